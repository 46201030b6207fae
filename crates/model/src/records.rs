//! The record types, one per table, each declared once with [`record!`]: its schema and
//! field visitor follow. Money fields are `i64` minor units (cents) in memory and are
//! written with two decimals.

use crate::{Date, DateTime, InlineText, record};

/// A company code such as `1000`.
pub type CompanyCode = InlineText<32>;
/// An ISO 4217 currency code such as `USD`.
pub type Currency = InlineText<3>;
/// Up to four ids as UUID text, separated by spaces.
pub type IdList = InlineText<152>;
/// Up to four `ENTRY_ID:LINE` references, separated by spaces.
pub type LineList = InlineText<168>;
/// A business partner's name.
pub type PartnerName = InlineText<48>;
/// A bank account: an IBAN where the country has them, else bank and account numbers.
pub type BankAccount = InlineText<34>;
/// A tax registration number, such as `DE123456788`.
pub type TaxId = InlineText<24>;
/// A postcode, such as `10115` or `SE1 2AB`.
pub type Postcode = InlineText<12>;
/// A street address, house number and street in its country's order, such as `214 Oak
/// Street` or `Lindenstraße 12`.
pub type Street = InlineText<40>;

record! {
    /// The header of a journal entry (`journal_entries`).
    pub struct JournalEntry in "journal_entries" {
        /// Unique id of the entry.
        entry_id: u128,
        /// The company that posts it (see `companies`).
        company_code: CompanyCode,
        /// Fiscal (calendar) year of the posting date.
        fiscal_year: u16,
        /// Fiscal period 1–12 (the month of the posting date); 13 for the year-end closing entries of 31 December.
        fiscal_period: u8,
        /// When it was posted.
        posting_date: Date,
        /// The date of the business document behind it (on or before the posting date).
        document_date: Date,
        /// When it was entered: the posting date and a time of day (office hours for
        /// manual entries, often at night for batch jobs).
        created_at: DateTime,
        /// SAP-style document type: `WE` goods receipt, `KR` vendor invoice, `KZ` vendor
        /// payment, `WL` goods issue, `DR` customer invoice, `DZ` customer receipt, `PR`
        /// payroll, `AA` depreciation, `SA` G/L posting, `ZB` bank posting.
        document_type: &'static str,
        /// The business process: `procure_to_pay`, `order_to_cash`, `payroll`,
        /// `fixed_assets`, `period_close`, `treasury`, `expenses`, `general_ledger`,
        /// `cost_allocation` or `opening_balances`.
        business_process: &'static str,
        /// `manual` or `automated`.
        source: &'static str,
        /// Who entered it (see `users`).
        user_id: &'static str,
        /// Who approved it (see `users`; within their approval limit); null when the
        /// posting needs no approval.
        approved_by: Option<&'static str>,
        /// The company's currency; all line amounts are in it.
        currency: Currency,
        /// A short description.
        header_text: &'static str,
        /// How many lines the entry has.
        line_count: u32,
        /// The business document the entry posts, if any (see `documents`).
        document_id: Option<u128>,
        /// The entry this one reverses (accrual reversals), if any.
        reversal_of: Option<u128>,
        /// Whether an injected irregularity touched this entry (see `anomalies`).
        is_anomaly: bool,
        /// The type of that irregularity (`anomalies.anomaly_type`); null when clean.
        anomaly_type: Option<&'static str>,
    }
}

record! {
    /// One line of a journal entry (`journal_lines`): exactly one of debit and credit is non-zero.
    pub struct JournalLine in "journal_lines" {
        /// The entry this line belongs to.
        entry_id: u128,
        /// 1-based position in the entry.
        line_number: u32,
        /// G/L account number (see `accounts`).
        account: u32,
        /// Debit in the entry's currency (0 on a credit line).
        debit: i64 as Money,
        /// Credit in the entry's currency (0 on a debit line).
        credit: i64 as Money,
        /// Tax code (see `tax_codes`) on the tax line and on the lines it is computed
        /// from; null where no tax applies.
        tax_code: Option<&'static str>,
        /// Cost center (see `cost_centers`) on profit-and-loss lines; null on balance-sheet lines.
        cost_center: Option<&'static str>,
        /// Vendor or customer id on payables and receivables lines.
        partner_id: Option<u128>,
        /// A short description.
        line_text: &'static str,
    }
}

record! {
    /// One employee's pay in one payroll run (`payslips`): the payroll entry of the run
    /// is the sum of its payslips, by cost center.
    pub struct Payslip in "payslips" {
        /// Unique id.
        payslip_id: u128,
        /// The employing company.
        company_code: CompanyCode,
        /// The employee (see `employees`).
        employee_id: u128,
        /// The cost center the pay is charged to.
        cost_center: &'static str,
        /// First day the run pays for (the 1st, or the 16th in a second run of the month).
        period_start: Date,
        /// Last day it pays for.
        period_end: Date,
        /// When the net pay is paid: the posting date of the payroll entry.
        pay_date: Date,
        /// Salary of the run: the month's, or half of it in each of two runs, less the
        /// unpaid leave deduction.
        salary: i64 as Money,
        /// Paid vacation days taken in the month (on the month's last run; 0 on the first
        /// of two).
        vacation_days: u32,
        /// Paid sick days in the month (on the month's last run).
        sick_days: u32,
        /// Unpaid leave days in the month (on the month's last run).
        unpaid_leave_days: u32,
        /// What the unpaid days take off the month's salary: a 21.75th of it per day
        /// (the working days of an average month), rounded half up.
        unpaid_leave_deduction: i64 as Money,
        /// Overtime, with the month's last run (logistics and service staff).
        overtime: i64 as Money,
        /// Year-end bonus, with December's last run.
        bonus: i64 as Money,
        /// A leaver's vacation days earned in the year they leave and not taken, paid
        /// out with the last run of the month they leave (now and then of the month
        /// after); 0 on every other payslip.
        vacation_payout_days: u32,
        /// What those days pay: a 21.75th of the last monthly salary each, rounded half
        /// up, taxed like the bonus (as a run's salary on a payslip without salary).
        vacation_payout: i64 as Money,
        /// salary + overtime + bonus + vacation_payout.
        gross: i64 as Money,
        /// Income tax withheld: the country's schedule on the salary at its yearly rate,
        /// overtime and bonus at the marginal rate of that salary.
        income_tax: i64 as Money,
        /// The employee's social security contributions withheld (the country's rate).
        employee_social_security: i64 as Money,
        /// gross - income_tax - employee_social_security: paid to `bank_account`.
        net: i64 as Money,
        /// The employer's social security contributions on the gross (not deducted).
        employer_social_security: i64 as Money,
        /// The bank account the net pay goes to: the employee's of the pay day (see
        /// `employee_bank_changes`), unless a payroll diversion sent it elsewhere.
        bank_account: BankAccount,
        /// The payroll entry that posts it.
        entry_id: u128,
        /// Whether an injected irregularity touched this payslip (see
        /// `anomalies.payslip_ids`).
        is_anomaly: bool,
        /// The type of that irregularity; null when clean.
        anomaly_type: Option<&'static str>,
    }
}

record! {
    /// An employee's expense claim (`expense_claims`), reimbursed by bank with the
    /// journal entry that posts it.
    pub struct ExpenseClaim in "expense_claims" {
        /// Unique id.
        claim_id: u128,
        /// The employing company.
        company_code: CompanyCode,
        /// The employee who claims (see `employees`), employed on the day it posts.
        employee_id: u128,
        /// The employee's cost center, charged with the expense.
        cost_center: &'static str,
        /// `travel`, `lodging`, `meals` or `mileage`.
        category: &'static str,
        /// What the money was spent on.
        description: &'static str,
        /// The day of the expense (a trip's first day).
        expense_date: Date,
        /// When the employee submitted the claim: on or after the expense, on or before
        /// the posting.
        submitted_date: Date,
        /// What is reimbursed: the expense and its input tax.
        amount: i64 as Money,
        /// Input tax included in `amount`, reclaimed by the company.
        tax_amount: i64 as Money,
        /// Currency of the amounts (the company's).
        currency: Currency,
        /// The employee's bank account the reimbursement goes to.
        bank_account: BankAccount,
        /// The journal entry that posts and pays it.
        entry_id: u128,
    }
}

record! {
    /// A company's monthly bank statement (`bank_statements`): the bank's balances
    /// and totals of the month, and its reconciliation with the G/L bank account.
    pub struct BankStatement in "bank_statements" {
        /// Unique id, referenced by its lines (see `bank_statement_lines`).
        statement_id: u128,
        /// The company that holds the account.
        company_code: CompanyCode,
        /// The company's operating account at its bank (G/L account 1100).
        bank_account: BankAccount,
        /// Currency of the account (the company's).
        currency: Currency,
        /// First day the statement covers (the 1st of the month).
        period_start: Date,
        /// Last day it covers (the month's last day): the date of its balances.
        statement_date: Date,
        /// The balance the month opens with: the closing balance of the statement before.
        opening_balance: i64 as Money,
        /// The sum of its lines that credit the account (money in).
        total_credits: i64 as Money,
        /// The sum of its lines that debit the account (money out), as a positive amount.
        total_debits: i64 as Money,
        /// opening_balance + total_credits - total_debits.
        closing_balance: i64 as Money,
        /// The G/L bank account's balance at the end of statement_date.
        book_balance: i64 as Money,
        /// Payments posted on or before statement_date that the bank books after it
        /// (positive): closing_balance - outstanding_payments = book_balance.
        outstanding_payments: i64 as Money,
    }
}

record! {
    /// One booking on a bank statement (`bank_statement_lines`): the bank's side of a
    /// journal entry's line on the bank account.
    pub struct BankStatementLine in "bank_statement_lines" {
        /// Unique id.
        line_id: u128,
        /// The statement of the month the bank booked it in (see `bank_statements`).
        statement_id: u128,
        /// The company that holds the account.
        company_code: CompanyCode,
        /// When the bank booked it: the posting date, or for a transfer to a vendor or an
        /// employee up to two working days later (a returned transfer's return and
        /// second transfer later still).
        booking_date: Date,
        /// The day interest counts from: the booking date, the month's last day for
        /// interest and account fees.
        value_date: Date,
        /// Signed, as the bank sees it: positive credits the account (money in),
        /// negative debits it.
        amount: i64 as Money,
        /// Currency of the amount (the account's).
        currency: Currency,
        /// `transfer_in`, `transfer_out`, `payroll_funding`, `tax`, `standing_order`,
        /// `fee`, `interest`, `cash_withdrawal`, or `return`: a transfer to a vendor that
        /// the vendor's bank sent back (the company sends it again, a second
        /// `transfer_out` line of the same entry).
        transaction_code: &'static str,
        /// Why a `return` came back, as ISO 20022 codes it (`BE04` creditor address
        /// missing, `RR04` regulatory reason, `MS03` reason not specified); null on
        /// every other line.
        return_reason: Option<&'static str>,
        /// The vendor or customer paid or paying, where the entry names one.
        partner_id: Option<u128>,
        /// The document the payment settles or is (see `documents`), if any.
        document_id: Option<u128>,
        /// The journal entry whose bank line it matches.
        entry_id: u128,
    }
}

record! {
    /// One intercompany document (`intercompany`): a month's service charge or shipment
    /// of goods that one group company invoices another, or the buyer's payment of it;
    /// or a loan between
    /// them, or a month's interest on it; with the entry each side posted it in: the
    /// matching of the group's two ledgers.
    pub struct IntercompanyDocument in "intercompany" {
        /// Unique id, the reference both sides' entries are matched by.
        document_id: u128,
        /// `invoice` or `payment` (a service charge or a shipment of goods, as `flow`
        /// says), `loan` (the seller lends the buyer
        /// on the period's first working day) or `loan_interest` (the buyer pays the
        /// interest for the days since on a month's last working day).
        document_type: &'static str,
        /// The invoice a payment settles, the loan interest is paid on; null on an invoice
        /// or a loan.
        reference_document_id: Option<u128>,
        /// The company that charges and is paid (see `companies`).
        seller_company: CompanyCode,
        /// The company that is charged and pays.
        buyer_company: CompanyCode,
        /// Date of the invoice, or of the payment (the buyer's transfer), or of a loan's
        /// transfer.
        document_date: Date,
        /// When an invoice is due: its date + 30 days; null on the others.
        due_date: Option<Date>,
        /// The amount, in `currency`.
        amount: i64 as Money,
        /// The seller's currency, which the invoice or loan is in.
        currency: Currency,
        /// The seller's entry (its receivable from the buyer, or the money received);
        /// null where the run ends before it.
        seller_entry_id: Option<u128>,
        /// When the seller posted it: the invoice date, or the day its bank booked the
        /// money (one or two working days after the buyer's transfer; a loan's transfers
        /// the same day).
        seller_posting_date: Date,
        /// The amount in the seller's currency (its line on 125000; a loan's on 127000,
        /// its interest on 481000).
        seller_amount: i64 as Money,
        /// The buyer's entry (its payable to the seller, or the transfer); null where
        /// the run ends before it.
        buyer_entry_id: Option<u128>,
        /// When the buyer posted it: an invoice one to six working days after its date,
        /// a payment or a loan's transfer on its date.
        buyer_posting_date: Date,
        /// The amount in the buyer's currency (its line on 206000): at the rate of the
        /// invoice's date for both, so that what a payment clears is what the invoice
        /// booked; a loan's (on 207000) and its interest's (on 698000) at their day's.
        buyer_amount: i64 as Money,
        /// The buyer's currency.
        buyer_currency: Currency,
        /// What flows: `services` (a service charge), `goods` (a shipment of trading
        /// goods) or `loan` (a loan and its interest).
        flow: &'static str,
    }
}

record! {
    /// One movement of a material in or out of a company's stock (`stock_movements`),
    /// valued at the material's standard cost: the stock ledger that the G/L inventory
    /// account sums to.
    pub struct StockMovement in "stock_movements" {
        /// Unique id.
        movement_id: u128,
        /// The company whose stock moves.
        company_code: CompanyCode,
        /// The material (see `materials`).
        material_id: u128,
        /// `opening_balance`, `goods_receipt`, `goods_issue` (to a sales delivery),
        /// `count_difference` (a cycle count's gain or loss), `scrap`, or
        /// `intercompany_issue` and `intercompany_receipt` (goods shipped to a group
        /// company, and received from one).
        movement_type: &'static str,
        /// The day it moves: the posting date of its entry.
        posting_date: Date,
        /// Signed: positive into stock, negative out of it.
        quantity: i64,
        /// The material's standard cost per unit in the company's currency.
        unit_cost: i64 as Money,
        /// quantity × unit_cost: what its entry posts to the inventory account.
        value: i64 as Money,
        /// Currency of the amounts (the company's).
        currency: Currency,
        /// The vendor delivering or the customer receiving, for receipts and issues (null
        /// between group companies).
        partner_id: Option<u128>,
        /// The goods receipt or delivery document (see `documents`), if any.
        document_id: Option<u128>,
        /// The journal entry that values it on the inventory account.
        entry_id: u128,
        /// Whether an injected irregularity hides in this movement: the count
        /// difference that writes off an `inventory_theft` (the irregularities of the
        /// entries that move goods are marked on `journal_entries`).
        is_anomaly: bool,
        /// The type of that irregularity; null when clean.
        anomaly_type: Option<&'static str>,
    }
}

record! {
    /// A business document of a procure-to-pay or order-to-cash chain (`documents`).
    pub struct Document in "documents" {
        /// Unique id.
        document_id: u128,
        /// `purchase_order`, `goods_receipt`, `vendor_invoice`, `payment`, `sales_order`,
        /// `delivery`, `customer_invoice`, `dunning_notice` or `receipt`.
        document_type: &'static str,
        /// The company.
        company_code: CompanyCode,
        /// The vendor or customer.
        partner_id: u128,
        /// Date of the document.
        document_date: Date,
        /// When an invoice is due (its date + the partner's payment terms), or what a
        /// dunning notice asks to be paid by (its date + 10 days); null otherwise.
        due_date: Option<Date>,
        /// Total, in `currency`: gross (net + tax) for invoices, the amount paid for
        /// payments and receipts, net for orders, receipts of goods and deliveries, what
        /// is still open of its invoice for a dunning notice.
        amount: i64 as Money,
        /// Tax included in `amount` (invoices), else 0.
        tax_amount: i64 as Money,
        /// Cash discount taken or granted with a payment or receipt, else 0: `amount` +
        /// `discount_amount` is what it settles of its invoice.
        discount_amount: i64 as Money,
        /// Currency of the amount: the partner's own where it invoices in it
        /// (`vendors.currency`, `customers.currency`), else the company's.
        currency: Currency,
        /// Units of the company's currency per unit of `currency` the document is booked
        /// at (`fx_rates` of its date; 1 in the company's currency): its entry's lines
        /// hold the company's amounts, and a payment's difference to its invoice's rate
        /// is a realised exchange gain or loss.
        exchange_rate: i64 as Rate,
        /// At the end of the data: invoices `open`, `partially_paid` or `paid`; sales
        /// orders `blocked` (over the credit limit) or `released`; others `completed`.
        status: &'static str,
        /// The document before this one in its chain (a goods receipt or delivery: its
        /// order, each of two; an invoice: the receipt or delivery, of two the second; a
        /// payment: the invoice it settles; a dunning notice: the invoice it reminds of).
        reference_document_id: Option<u128>,
        /// The journal entry this document caused, if it caused one.
        entry_id: Option<u128>,
        /// Number of items.
        item_count: u32,
        /// Payments to a vendor: the vendor's bank account paid into (the one in the
        /// vendor master on that day); null otherwise.
        bank_account: Option<BankAccount>,
    }
}

record! {
    /// One item of a document (`document_items`).
    pub struct DocumentItem in "document_items" {
        /// The document.
        document_id: u128,
        /// 1-based position (a delivery of part of an order numbers its items as the
        /// order does).
        item_number: u32,
        /// The material (see `materials`); null for purchased services.
        material_id: Option<u128>,
        /// What was bought or sold.
        description: &'static str,
        /// Quantity.
        quantity: i64,
        /// Price per unit.
        unit_price: i64 as Money,
        /// quantity × unit_price.
        amount: i64 as Money,
    }
}

record! {
    /// One vendor's bid in a tender (`quotations`): a purchase order of goods worth
    /// more than a company asks a single vendor for is put out to tender, and the
    /// lowest bid is awarded the order.
    pub struct Quotation in "quotations" {
        /// Unique id.
        quotation_id: u128,
        /// The tender: every bid for one order shares it.
        request_id: u128,
        /// The company that asked for bids.
        company_code: CompanyCode,
        /// The bidder (see `vendors`).
        vendor_id: u128,
        /// When the company asked for bids.
        request_date: Date,
        /// When the bid came in: after the request, before the order.
        quotation_date: Date,
        /// What the bidder asks for the whole order, net of tax.
        amount: i64 as Money,
        /// Currency of the amount (the company's).
        currency: Currency,
        /// Whether this bid won: the lowest of its tender, whose vendor and amount the
        /// order is.
        awarded: bool,
        /// The purchase order the tender ended in (see `documents`), for every bid.
        purchase_order_id: u128,
        /// Whether an injected irregularity touched this bid (a rigged tender).
        is_anomaly: bool,
        /// The type of that irregularity; null when clean.
        anomaly_type: Option<&'static str>,
    }
}

record! {
    /// A node of the transaction graph: an account or a business partner (`graph_nodes`).
    pub struct GraphNode in "graph_nodes" {
        /// Unique id (a partner's node id is its partner id).
        node_id: u128,
        /// `account`, `vendor` or `customer`.
        node_type: &'static str,
        /// Account name or partner name.
        label: PartnerName,
    }
}

record! {
    /// A flow of money between two nodes, derived from a journal entry (`graph_edges`).
    pub struct GraphEdge in "graph_edges" {
        /// Where the money comes from (the credited account or the paying partner).
        source_node_id: u128,
        /// Where it goes (the debited account or the paid partner).
        target_node_id: u128,
        /// The entry it comes from.
        entry_id: u128,
        /// Amount.
        amount: i64 as Money,
        /// Posting date of the entry.
        posting_date: Date,
        /// `posting` (account to account) or `partner` (partner to account or back).
        edge_type: &'static str,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::master::Account;
    use crate::{Record, Value};

    fn count<R: Record>(r: &R) -> usize {
        let mut n = 0;
        r.visit(&mut |_: Value<'_>| n += 1);
        n
    }

    #[test]
    fn main_tables_have_the_promised_columns_in_order() {
        let names: Vec<_> = JournalEntry::SCHEMA.iter().map(|c| c.name).collect();
        assert_eq!(
            &names[..7],
            [
                "entry_id",
                "company_code",
                "fiscal_year",
                "fiscal_period",
                "posting_date",
                "document_date",
                "created_at",
            ]
        );
        let names: Vec<_> = JournalLine::SCHEMA.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "entry_id",
                "line_number",
                "account",
                "debit",
                "credit",
                "tax_code",
                "cost_center",
                "partner_id",
                "line_text"
            ]
        );
    }

    #[test]
    fn visitors_emit_one_value_per_column() {
        let d = Date(0);
        let e = JournalEntry {
            entry_id: 1,
            company_code: "1000".into(),
            fiscal_year: 2024,
            fiscal_period: 1,
            posting_date: d,
            document_date: d,
            created_at: DateTime::new(d, 3600),
            document_type: "SA",
            business_process: "general_ledger",
            source: "manual",
            user_id: "U",
            approved_by: None,
            currency: "USD".into(),
            header_text: "h",
            line_count: 2,
            document_id: None,
            reversal_of: None,
            is_anomaly: false,
            anomaly_type: None,
        };
        assert_eq!(count(&e), JournalEntry::SCHEMA.len());
        let a = Account {
            account: 1,
            name: "n",
            account_type: "asset",
            normal_balance: "debit",
        };
        assert_eq!(count(&a), Account::SCHEMA.len());
        let n = GraphNode {
            node_id: 1,
            node_type: "account",
            label: "x".into(),
        };
        assert_eq!(count(&n), GraphNode::SCHEMA.len());
    }
}

record! {
    /// One injected irregularity and everything it touched (`anomalies`): the labels.
    pub struct Anomaly in "anomalies" {
        /// Unique id.
        anomaly_id: u128,
        /// The type, such as `duplicate_payment` (see the anomalies page for each).
        anomaly_type: &'static str,
        /// `low`, `medium` or `high`: how much an auditor would care.
        severity: &'static str,
        /// The type's family, such as `asset_misappropriation`.
        family: &'static str,
        /// `easy`, `realistic` or `hard`: the level it was generated at.
        difficulty: &'static str,
        /// The case it was injected into: the position in the run of the case's first entry.
        case_index: u64,
        /// The company whose books it is in.
        company_code: CompanyCode,
        /// The posting date of its first entry.
        posting_date: Date,
        /// Every journal entry it touched (each has `is_anomaly` true), space-separated;
        /// null when it touched none (a `payroll_diversion`: the books are right, its
        /// payslips are not).
        entry_ids: Option<IdList>,
        /// Every document it touched, space-separated; null when none.
        document_ids: Option<IdList>,
        /// The lines it touched, as `ENTRY_ID:LINE_NUMBER`, space-separated; null when
        /// it touched every line of its entries.
        line_refs: Option<LineList>,
        /// Every payslip it touched, space-separated; null when none.
        payslip_ids: Option<IdList>,
        /// The vendor, customer or employee involved, if any.
        partner_id: Option<u128>,
        /// What was done, in a sentence.
        description: &'static str,
    }
}

record! {
    /// One exchange rate of one day.
    pub struct FxRate in "fx_rates" {
        /// The day (every weekday of the period; a weekend takes Friday's rate).
        rate_date: Date,
        /// The currency converted from: each a partner invoices in, or a company books in.
        from_currency: &'static str,
        /// The currency converted to: a company's.
        to_currency: &'static str,
        /// Units of `to_currency` per unit of `from_currency`.
        rate: i64 as Rate,
    }
}
