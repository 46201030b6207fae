//! The master data records: the companies and their chart of accounts, tax codes, cost
//! centers, users, partners, materials, employees and fixed assets, each declared once
//! with [`record!`] as the other records are.

use crate::records::{BankAccount, CompanyCode, Currency, PartnerName, Postcode, Street, TaxId};
use crate::{Date, DateTime, record};

record! {
    /// A company that keeps books (`companies`).
    pub struct Company in "companies" {
        /// Company code, referenced by every entry, document and master record.
        company_code: CompanyCode,
        /// Legal name: `... Group` and its country's common legal form (no partner has the word).
        name: PartnerName,
        /// ISO country code: decides the public holidays and the tax codes.
        country: &'static str,
        /// ISO 4217 currency of its books.
        currency: Currency,
        /// Tax registration number of its country with a valid check digit: the VAT number
        /// in the EU and the UK, the UID in Switzerland, the EIN in the US, the business
        /// number in Canada, the corporate number in Japan, the ABN in Australia.
        vat_id: TaxId,
    }
}

record! {
    /// A G/L account of the chart of accounts (`accounts`).
    pub struct Account in "accounts" {
        /// Account number.
        account: u32,
        /// Account name.
        name: &'static str,
        /// `asset`, `liability`, `equity`, `revenue` or `expense`.
        account_type: &'static str,
        /// `debit` or `credit`: the side that increases it (contra accounts, such as
        /// accumulated depreciation or sales discounts, have the opposite side of their type).
        normal_balance: &'static str,
    }
}

record! {
    /// A tax code and its rate (`tax_codes`).
    pub struct TaxCode in "tax_codes" {
        /// Code, such as `DE-O19` (country, `O` output or `I` input, rate).
        tax_code: &'static str,
        /// ISO country code.
        country: &'static str,
        /// `output` (charged on sales) or `input` (paid on purchases).
        direction: &'static str,
        /// Rate in percent: tax = rate / 100 × net, rounded to the minor unit.
        rate_percent: i64 as Money,
        /// The account its tax is posted to (0 when no tax is posted).
        account: u32,
        /// Description.
        description: &'static str,
    }
}

record! {
    /// A cost center (`cost_centers`): where profit-and-loss lines are charged.
    pub struct CostCenter in "cost_centers" {
        /// Code.
        cost_center: &'static str,
        /// Name.
        name: &'static str,
        /// Department.
        department: &'static str,
    }
}

record! {
    /// Someone (or a batch job) who enters or approves entries (`users`).
    pub struct User in "users" {
        /// Login, referenced by `journal_entries.user_id` and `approved_by`.
        user_id: &'static str,
        /// Full name (or the job's name).
        name: &'static str,
        /// `ap_clerk`, `ar_clerk`, `warehouse_clerk`, `gl_accountant`, `senior_accountant`,
        /// `controller`, `finance_director`, `cfo` or `batch_job`.
        role: &'static str,
        /// Department.
        department: &'static str,
        /// The largest entry total (in the company's currency) the user may approve
        /// today; 0 for users who approve nothing.
        approval_limit: i64 as Money,
        /// The limit before `approval_limit_since`: equal to `approval_limit` for users
        /// whose limit has not changed in the period.
        previous_approval_limit: i64 as Money,
        /// The day `approval_limit` took effect when that was in the period (a
        /// promotion); null when it has held since before. An entry created before it
        /// was approved under `previous_approval_limit`.
        approval_limit_since: Option<Date>,
    }
}

impl User {
    /// The limit in force for an entry created on `day`: the previous one before the
    /// day the current limit took effect, the current one from it.
    pub fn limit_on(&self, day: Date) -> i64 {
        match self.approval_limit_since {
            Some(since) if day < since => self.previous_approval_limit,
            _ => self.approval_limit,
        }
    }
}

record! {
    /// A supplier (`vendors`).
    pub struct Vendor in "vendors" {
        /// Unique id, referenced by `journal_lines.partner_id` and `documents.partner_id`.
        vendor_id: u128,
        /// Name (unique), with a legal form of its country (`GmbH` in Germany, `Inc.` in the US).
        name: PartnerName,
        /// ISO country code.
        country: &'static str,
        /// House number and street, in its country's order.
        street: Street,
        /// City.
        city: &'static str,
        /// ISO 3166-2 code of its state, province or region (`US-NY`, `DE-BY`, `GB-ENG`);
        /// a US customer's decides its sales tax.
        region: &'static str,
        /// Postcode in its country's format and of its city (a ZIP code of its state in
        /// the US, `SE1 4AB` in the UK, `H2X 3B7` in Canada).
        postcode: Postcode,
        /// Tax registration number of its country with a valid check digit: the VAT number
        /// in the EU and the UK, the UID in Switzerland, the EIN in the US, the business
        /// number in Canada, the corporate number in Japan, the ABN in Australia.
        vat_id: TaxId,
        /// Days from the invoice date until an invoice is due.
        payment_terms_days: u16,
        /// Cash discount in percent for paying within `cash_discount_days` (0: none).
        cash_discount_percent: i64 as Money,
        /// Days within which the cash discount may be taken (0: none).
        cash_discount_days: u16,
        /// When the vendor was created.
        created_date: Date,
        /// The bank account payments go to, as at the end of the data
        /// (`vendor_bank_changes` has its history).
        bank_account: BankAccount,
        /// The currency it invoices in when that is its own country's (a share of
        /// vendors, `fx.foreign_currency_share`); null when it invoices each company in
        /// that company's currency.
        currency: Option<&'static str>,
    }
}

record! {
    /// A change of a vendor's bank account in the vendor master (`vendor_bank_changes`).
    pub struct VendorBankChange in "vendor_bank_changes" {
        /// Unique id.
        change_id: u128,
        /// The vendor (`vendors.vendor_id`).
        vendor_id: u128,
        /// When the change was saved.
        changed_at: DateTime,
        /// Who saved it (`users.user_id`).
        changed_by: &'static str,
        /// The account before the change.
        old_bank_account: BankAccount,
        /// The account after it: payments from `changed_at` on go to it.
        new_bank_account: BankAccount,
    }
}

record! {
    /// A change of an employee's bank account in the employee master
    /// (`employee_bank_changes`).
    pub struct EmployeeBankChange in "employee_bank_changes" {
        /// Unique id.
        change_id: u128,
        /// The employee (`employees.employee_id`).
        employee_id: u128,
        /// When the change was saved.
        changed_at: DateTime,
        /// Who saved it (`users.user_id`).
        changed_by: &'static str,
        /// The account before the change.
        old_bank_account: BankAccount,
        /// The account after it: pay and reimbursements from `changed_at` on go to it.
        new_bank_account: BankAccount,
    }
}

record! {
    /// A buyer (`customers`).
    pub struct Customer in "customers" {
        /// Unique id, referenced by `journal_lines.partner_id` and `documents.partner_id`.
        customer_id: u128,
        /// The company that sells to it (its credit limit is in that company's currency).
        company_code: CompanyCode,
        /// Name (unique), with a legal form of its country (`GmbH` in Germany, `Inc.` in the US).
        name: PartnerName,
        /// ISO country code.
        country: &'static str,
        /// House number and street, in its country's order.
        street: Street,
        /// City.
        city: &'static str,
        /// ISO 3166-2 code of its state, province or region (`US-NY`, `DE-BY`, `GB-ENG`);
        /// a US customer's decides its sales tax.
        region: &'static str,
        /// Postcode in its country's format and of its city (a ZIP code of its state in
        /// the US, `SE1 4AB` in the UK, `H2X 3B7` in Canada).
        postcode: Postcode,
        /// Tax registration number of its country with a valid check digit: the VAT number
        /// in the EU and the UK, the UID in Switzerland, the EIN in the US, the business
        /// number in Canada, the corporate number in Japan, the ABN in Australia.
        vat_id: TaxId,
        /// Credit limit in the company's currency: an order over a third of it is blocked,
        /// and limits are set so that open receivables stay within them.
        credit_limit: i64 as Money,
        /// Days from the invoice date until an invoice is due.
        payment_terms_days: u16,
        /// Cash discount in percent for paying within `cash_discount_days` (0: none).
        cash_discount_percent: i64 as Money,
        /// Days within which the cash discount may be taken (0: none).
        cash_discount_days: u16,
        /// When the customer was created.
        created_date: Date,
        /// The currency it is invoiced in: its own country's for a share of customers
        /// abroad (`fx.foreign_currency_share`), else its company's.
        currency: &'static str,
    }
}

record! {
    /// Something bought and sold (`materials`).
    pub struct Material in "materials" {
        /// Unique id, referenced by `document_items.material_id`.
        material_id: u128,
        /// Description.
        description: PartnerName,
        /// `trading_good` (bought, stocked, sold) or `service` (sold).
        material_type: &'static str,
        /// Unit of measure.
        unit: &'static str,
        /// Standard cost per unit: what it is bought and carried in inventory at.
        standard_cost: i64 as Money,
        /// List price per unit.
        sales_price: i64 as Money,
    }
}

record! {
    /// An employee on the payroll (`employees`).
    pub struct Employee in "employees" {
        /// Unique id.
        employee_id: u128,
        /// The employing company.
        company_code: CompanyCode,
        /// Name.
        name: PartnerName,
        /// Home address: house number and street, in its country's order (the
        /// employing company's country).
        street: Street,
        /// Home city.
        city: &'static str,
        /// ISO 3166-2 code of the home's state, province or region.
        region: &'static str,
        /// Home postcode, in its country's format.
        postcode: Postcode,
        /// Job title.
        job_title: &'static str,
        /// The cost center the salary is charged to.
        cost_center: &'static str,
        /// Hire date (the first day of a month for those hired during the period).
        hire_date: Date,
        /// Last day of employment (the end of a month; the position is filled again from
        /// the next day); null for those still employed at the end of the data.
        leave_date: Option<Date>,
        /// Gross monthly salary in the company's currency when the period starts (at hire
        /// for those hired during it).
        monthly_salary: i64 as Money,
        /// Raise on each anniversary of the hire date within the period, in percent: from
        /// that month on the salary is this much higher, rounded to the minor unit.
        annual_raise_percent: i64 as Money,
        /// Year-end bonus as a share of a year's salary, in percent: paid with December's
        /// payroll to those employed in December, on December's salary times the months
        /// employed in that calendar year.
        bonus_percent: i64 as Money,
        /// The account the net pay goes to, in the company's country (an IBAN where the
        /// country uses them), as at the end of the data (`employee_bank_changes` has its
        /// history).
        bank_account: BankAccount,
    }
}

record! {
    /// A fixed asset, depreciated straight-line every month (`fixed_assets`).
    pub struct FixedAsset in "fixed_assets" {
        /// Unique id.
        asset_id: u128,
        /// The owning company.
        company_code: CompanyCode,
        /// Description.
        description: &'static str,
        /// Asset class.
        asset_class: &'static str,
        /// Balance-sheet account of its cost.
        account: u32,
        /// Account of its accumulated depreciation.
        depreciation_account: u32,
        /// Cost center its depreciation is charged to.
        cost_center: &'static str,
        /// When it was acquired.
        acquisition_date: Date,
        /// Acquisition cost.
        acquisition_cost: i64 as Money,
        /// Useful life in months.
        useful_life_months: u16,
        /// Depreciation per month (cost / life).
        monthly_depreciation: i64 as Money,
        /// When it was retired and sold (from then on not depreciated); null while held.
        disposal_date: Option<Date>,
        /// What it was sold for, net of tax (0 while held).
        disposal_proceeds: i64 as Money,
    }
}
