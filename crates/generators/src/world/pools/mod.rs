//! Static pools: the chart of accounts, cost centers, users, tax codes, countries and
//! every text a record holds.

use synth_model::Account;

pub(crate) mod places;
mod staff;
mod tax_codes;
pub use staff::{BATCH_USERS, USERS, users};
pub use tax_codes::{TAX_CODES, first_state_tax, no_nexus_tax, state_tax};
pub(crate) use tax_codes::{TaxSet, tax_of};

const fn acct(
    account: u32,
    name: &'static str,
    account_type: &'static str,
    normal_balance: &'static str,
) -> Account {
    Account {
        account,
        name,
        account_type,
        normal_balance,
    }
}

/// The chart of accounts (a trading company, SAP-like numbering). Contra accounts
/// (accumulated depreciation, sales discounts) have the normal balance opposite to
/// their type's.
pub static CHART_OF_ACCOUNTS: &[Account] = &[
    acct(100000, "Cash on hand", "asset", "debit"),
    acct(110000, "Bank - operating account", "asset", "debit"),
    acct(111000, "Bank - payroll account", "asset", "debit"),
    acct(120000, "Trade receivables", "asset", "debit"),
    acct(
        120900,
        "Trade receivables - exchange revaluation",
        "asset",
        "debit",
    ),
    acct(125000, "Receivables from group companies", "asset", "debit"),
    acct(
        125900,
        "Receivables from group companies - exchange revaluation",
        "asset",
        "debit",
    ),
    acct(127000, "Loans to group companies", "asset", "debit"),
    acct(
        127900,
        "Loans to group companies - exchange revaluation",
        "asset",
        "debit",
    ),
    acct(130000, "Inventory - trading goods", "asset", "debit"),
    acct(145000, "Input tax receivable", "asset", "debit"),
    acct(150000, "Machinery and equipment", "asset", "debit"),
    acct(151000, "Office equipment", "asset", "debit"),
    acct(152000, "Vehicles", "asset", "debit"),
    acct(
        159000,
        "Accumulated depreciation - machinery",
        "asset",
        "credit",
    ),
    acct(
        159100,
        "Accumulated depreciation - office equipment",
        "asset",
        "credit",
    ),
    acct(
        159200,
        "Accumulated depreciation - vehicles",
        "asset",
        "credit",
    ),
    acct(146000, "Income tax prepayments", "asset", "debit"),
    acct(200000, "Trade payables", "liability", "credit"),
    acct(
        200900,
        "Trade payables - exchange revaluation",
        "liability",
        "credit",
    ),
    acct(
        205000,
        "Goods received not invoiced (GR/IR)",
        "liability",
        "credit",
    ),
    acct(206000, "Payables to group companies", "liability", "credit"),
    acct(
        206900,
        "Payables to group companies - exchange revaluation",
        "liability",
        "credit",
    ),
    acct(207000, "Loans from group companies", "liability", "credit"),
    acct(
        207900,
        "Loans from group companies - exchange revaluation",
        "liability",
        "credit",
    ),
    acct(210000, "Accrued liabilities", "liability", "credit"),
    acct(220000, "Output tax payable", "liability", "credit"),
    acct(225000, "VAT settlement", "liability", "credit"),
    acct(230000, "Payroll liabilities", "liability", "credit"),
    acct(240000, "Income tax payable", "liability", "credit"),
    acct(300000, "Share capital", "equity", "credit"),
    acct(310000, "Retained earnings", "equity", "credit"),
    acct(399000, "Opening balance clearing", "equity", "credit"),
    acct(400000, "Revenue - products", "revenue", "credit"),
    acct(410000, "Revenue - services", "revenue", "credit"),
    acct(420000, "Revenue - licences", "revenue", "credit"),
    acct(
        430000,
        "Revenue - intercompany services",
        "revenue",
        "credit",
    ),
    acct(431000, "Revenue - intercompany goods", "revenue", "credit"),
    acct(440000, "Sales discounts", "revenue", "debit"),
    acct(450000, "Cash discounts received", "revenue", "credit"),
    acct(476000, "Realised exchange gains", "revenue", "credit"),
    acct(477000, "Unrealised exchange gains", "revenue", "credit"),
    acct(480000, "Interest income", "revenue", "credit"),
    acct(
        481000,
        "Interest income from group companies",
        "revenue",
        "credit",
    ),
    acct(
        485000,
        "Proceeds from disposals of fixed assets",
        "revenue",
        "credit",
    ),
    acct(500000, "Cost of goods sold", "expense", "debit"),
    acct(
        501000,
        "Cost of goods sold - intercompany",
        "expense",
        "debit",
    ),
    acct(505000, "Purchase price variances", "expense", "debit"),
    acct(
        505100,
        "Purchase price variances - intercompany",
        "expense",
        "debit",
    ),
    acct(506000, "Inventory differences", "expense", "debit"),
    acct(507000, "Scrap", "expense", "debit"),
    acct(510000, "Freight and purchased services", "expense", "debit"),
    acct(600000, "Salaries and wages", "expense", "debit"),
    acct(601000, "Social security contributions", "expense", "debit"),
    acct(602000, "Overtime pay", "expense", "debit"),
    acct(603000, "Bonuses", "expense", "debit"),
    acct(610000, "Rent", "expense", "debit"),
    acct(620000, "Utilities", "expense", "debit"),
    acct(630000, "Travel expenses", "expense", "debit"),
    acct(640000, "Office supplies", "expense", "debit"),
    acct(650000, "IT and software", "expense", "debit"),
    acct(660000, "Marketing", "expense", "debit"),
    acct(670000, "Professional fees", "expense", "debit"),
    acct(675000, "Intercompany service charges", "expense", "debit"),
    acct(680000, "Depreciation expense", "expense", "debit"),
    acct(
        685000,
        "Net book value of fixed assets disposed",
        "expense",
        "debit",
    ),
    acct(690000, "Repairs and maintenance", "expense", "debit"),
    acct(695000, "Bank charges", "expense", "debit"),
    acct(696000, "Realised exchange losses", "expense", "debit"),
    acct(697000, "Unrealised exchange losses", "expense", "debit"),
    acct(
        698000,
        "Interest expense to group companies",
        "expense",
        "debit",
    ),
    acct(890000, "Income tax expense", "expense", "debit"),
];

/// Account numbers by role.
pub mod accounts {
    /// Cash on hand (petty cash).
    pub const CASH: u32 = 100000;
    /// The operating bank account.
    pub const BANK: u32 = 110000;
    /// What group companies owe for the services charged them.
    pub const IC_RECEIVABLES: u32 = 125000;
    /// What the company owes group companies for their services.
    pub const IC_PAYABLES: u32 = 206000;
    /// The revaluation of what group companies owe in another currency.
    pub const IC_RECEIVABLES_REVALUED: u32 = 125900;
    /// The revaluation of what the company owes group companies in another currency.
    pub const IC_PAYABLES_REVALUED: u32 = 206900;
    /// The services charged to group companies.
    pub const IC_REVENUE: u32 = 430000;
    /// The trading goods sold to group companies.
    pub const IC_GOODS_REVENUE: u32 = 431000;
    /// The standard cost of the trading goods sold to group companies.
    pub const IC_GOODS_COST: u32 = 501000;
    /// What goods bought from group companies cost above (or below) their standard.
    pub const IC_PRICE_VARIANCE: u32 = 505100;
    /// The services group companies charged.
    pub const IC_CHARGES: u32 = 675000;
    /// What the company lent group companies.
    pub const IC_LOANS: u32 = 127000;
    /// The revaluation of what it lent group companies in another currency.
    pub const IC_LOANS_REVALUED: u32 = 127900;
    /// What group companies lent the company.
    pub const IC_BORROWINGS: u32 = 207000;
    /// The revaluation of what group companies lent it in another currency.
    pub const IC_BORROWINGS_REVALUED: u32 = 207900;
    /// Interest on what the company lent group companies.
    pub const IC_INTEREST_INCOME: u32 = 481000;
    /// Interest on what group companies lent it.
    pub const IC_INTEREST_EXPENSE: u32 = 698000;
    /// The payroll bank account.
    pub const PAYROLL_BANK: u32 = 111000;
    /// Trade receivables.
    pub const RECEIVABLES: u32 = 120000;
    /// Inventory of trading goods.
    pub const INVENTORY: u32 = 130000;
    /// Input tax receivable.
    pub const INPUT_TAX: u32 = 145000;
    /// Proceeds from the sale of fixed assets retired (net of tax).
    pub const DISPOSAL_PROCEEDS: u32 = 485000;
    /// The net book value of fixed assets retired (with the proceeds: the gain or loss).
    pub const DISPOSAL_NBV: u32 = 685000;
    /// Income tax paid in advance of the year's provision.
    pub const INCOME_TAX_PREPAID: u32 = 146000;
    /// Trade payables.
    pub const PAYABLES: u32 = 200000;
    /// Goods received, not invoiced.
    pub const GR_IR: u32 = 205000;
    /// Accrued liabilities.
    pub const ACCRUED: u32 = 210000;
    /// Output tax payable.
    pub const OUTPUT_TAX: u32 = 220000;
    /// VAT settlement: the net tax of a quarter's months until its return pays it.
    pub const VAT_SETTLEMENT: u32 = 225000;
    /// Payroll liabilities (withheld tax, social security).
    pub const PAYROLL_LIABILITIES: u32 = 230000;
    /// Income tax payable (the year's tax less its prepayments).
    pub const INCOME_TAX_PAYABLE: u32 = 240000;
    /// Share capital.
    pub const SHARE_CAPITAL: u32 = 300000;
    /// Retained earnings.
    pub const RETAINED_EARNINGS: u32 = 310000;
    /// Opening balance clearing (nets to zero over the opening entries).
    pub const OPENING_CLEARING: u32 = 399000;
    /// Revenue from products.
    pub const REVENUE_PRODUCTS: u32 = 400000;
    /// Revenue from services.
    pub const REVENUE_SERVICES: u32 = 410000;
    /// Cash discounts granted to customers.
    pub const SALES_DISCOUNTS: u32 = 440000;
    /// Cash discounts taken from vendors.
    pub const DISCOUNTS_RECEIVED: u32 = 450000;
    /// Interest income.
    pub const INTEREST_INCOME: u32 = 480000;
    /// Cost of goods sold.
    pub const COGS: u32 = 500000;
    /// Purchase price variances.
    pub const PRICE_VARIANCE: u32 = 505000;
    /// Stock counted short (or over, a credit) at the cycle counts.
    pub const INVENTORY_DIFFERENCES: u32 = 506000;
    /// Stock scrapped.
    pub const SCRAP: u32 = 507000;
    /// Salaries.
    pub const SALARIES: u32 = 600000;
    /// Employer's social security.
    pub const SOCIAL_SECURITY: u32 = 601000;
    /// Overtime pay.
    pub const OVERTIME: u32 = 602000;
    /// Year-end bonuses.
    pub const BONUSES: u32 = 603000;
    /// Rent.
    pub const RENT: u32 = 610000;
    /// Utilities.
    pub const UTILITIES: u32 = 620000;
    /// Travel.
    pub const TRAVEL: u32 = 630000;
    /// Office supplies.
    pub const OFFICE_SUPPLIES: u32 = 640000;
    /// Professional fees.
    pub const PROFESSIONAL_FEES: u32 = 670000;
    /// Depreciation expense.
    pub const DEPRECIATION: u32 = 680000;
    /// Bank charges.
    pub const BANK_CHARGES: u32 = 695000;
    /// Realised exchange gains: a foreign-currency invoice settled for less (paid) or
    /// more (received) in the company's currency than it was booked at.
    pub const FX_GAIN: u32 = 476000;
    /// Realised exchange losses: the other way round.
    pub const FX_LOSS: u32 = 696000;
    /// What the month-end revaluation adds to the open foreign-currency receivables
    /// (reversed the next month).
    pub const RECEIVABLES_REVALUED: u32 = 120900;
    /// What it adds to the open foreign-currency payables.
    pub const PAYABLES_REVALUED: u32 = 200900;
    /// Unrealised exchange gains: open items worth more (receivables) or less (payables)
    /// in the company's currency at a month end than they were booked at.
    pub const FX_UNREALISED_GAIN: u32 = 477000;
    /// Unrealised exchange losses: the other way round.
    pub const FX_UNREALISED_LOSS: u32 = 697000;
    /// Income tax expense (current tax; no deferred tax).
    pub const INCOME_TAX: u32 = 890000;
    /// Expense accounts manual reclassifications move costs between.
    pub const RECLASS: &[u32] = &[
        610000, 620000, 630000, 640000, 650000, 660000, 670000, 690000,
    ];
    /// What month-end accruals are booked to.
    pub const ACCRUED_EXPENSES: &[u32] = &[620000, 670000, 650000, 690000];
}

/// Cost centers: (code, name, department).
pub static COST_CENTERS: &[(&str, &str, &str)] = &[
    ("CC1000", "Management", "Management"),
    ("CC1100", "Finance and accounting", "Finance"),
    ("CC1200", "Human resources", "HR"),
    ("CC1300", "Legal and compliance", "Finance"),
    ("CC1400", "IT services", "IT"),
    ("CC1500", "Facilities", "Administration"),
    ("CC2000", "Purchasing", "Purchasing"),
    ("CC2100", "Warehouse", "Logistics"),
    ("CC2200", "Transport and logistics", "Logistics"),
    ("CC2300", "Quality assurance", "Logistics"),
    ("CC3000", "Sales - North", "Sales"),
    ("CC3100", "Sales - South", "Sales"),
    ("CC3200", "Sales - East", "Sales"),
    ("CC3300", "Sales - West", "Sales"),
    ("CC3400", "Key accounts", "Sales"),
    ("CC3500", "E-commerce", "Sales"),
    ("CC4000", "Marketing", "Marketing"),
    ("CC4100", "Product management", "Marketing"),
    ("CC5000", "Customer service", "Service"),
    ("CC5100", "Field service", "Service"),
    ("CC5200", "Professional services", "Service"),
    ("CC6000", "Research and development", "R&D"),
];

/// Cost centers by what they are charged with (indices into [`COST_CENTERS`]).
pub mod centers {
    /// Sales (revenue lines, sales discounts).
    pub const SALES: &[usize] = &[10, 11, 12, 13, 14, 15];
    /// Services sold.
    pub const SERVICES: &[usize] = &[18, 19, 20];
    /// Logistics (cost of goods sold, freight).
    pub const LOGISTICS: &[usize] = &[7, 8, 9];
    /// Overheads (rent, utilities, IT, fees, bank charges).
    pub const OVERHEAD: &[usize] = &[0, 1, 2, 3, 4, 5];
    /// Where overheads are allocated to (everyone but the overheads).
    pub const RECEIVERS: &[usize] = &[6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
    /// Everyone (travel, office supplies, reclassifications).
    pub const ALL: &[usize] = &[
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
    ];
    /// Finance.
    pub const FINANCE: usize = 1;
    /// Facilities.
    pub const FACILITIES: usize = 5;
    /// Purchasing.
    pub const PURCHASING: usize = 6;
    /// Where each asset class's depreciation goes (machinery, office, vehicles).
    pub const ASSET_CENTERS: [usize; 3] = [7, 5, 8];
}

/// Countries a company may be in: (code, employer social security in hundredths of a
/// percent, payroll runs per month, median monthly salary in major units).
pub static COUNTRIES: &[(&str, i64, u32, f64)] = &[
    ("US", 765, 2, 5200.0),
    ("CA", 740, 2, 5000.0),
    ("GB", 1380, 1, 3400.0),
    ("DE", 2000, 1, 4100.0),
    ("FR", 2500, 1, 3300.0),
    ("NL", 1900, 1, 3800.0),
    ("IT", 3000, 1, 2600.0),
    ("ES", 3000, 1, 2300.0),
    ("CH", 640, 1, 6800.0),
    ("JP", 1500, 1, 380000.0),
    ("AU", 1100, 1, 6900.0),
];

/// How each country withholds from pay: (country, the employee's social security in
/// hundredths of a percent of gross, the yearly salary free of income tax, the rate
/// above it in hundredths of a percent, the yearly salary where the higher rate starts,
/// that rate), in major units of the country's currency. Two brackets stand for each
/// 2024 schedule (national and the usual regional income tax on a single earner;
/// contribution ceilings left out). Germany's and France's brackets are moved to gross
/// pay (their schedules tax pay after social security and a standard deduction, about
/// 70% of gross in France). The Netherlands' first bracket includes social
/// insurance, its allowance stands for the general and labour tax credits; Swiss
/// employers withhold no income tax from residents (the employee's pension fund share
/// is in the social security); Australia's rates include the Medicare levy.
pub static WITHHOLDING: &[(&str, i64, f64, i64, f64, i64)] = &[
    ("US", 765, 14_600.0, 1_600, 100_525.0, 2_800),
    ("CA", 761, 15_705.0, 2_005, 55_867.0, 2_965),
    ("GB", 800, 12_570.0, 2_000, 50_270.0, 4_000),
    ("DE", 2_045, 15_000.0, 2_300, 80_000.0, 4_200),
    ("FR", 2_200, 16_134.0, 1_100, 41_139.0, 3_000),
    ("NL", 0, 20_000.0, 3_697, 75_518.0, 4_950),
    ("IT", 919, 8_500.0, 2_300, 28_000.0, 3_500),
    ("ES", 635, 5_550.0, 1_900, 35_200.0, 3_000),
    ("CH", 1_340, 0.0, 0, 0.0, 0),
    ("JP", 1_500, 1_500_000.0, 2_000, 6_950_000.0, 3_300),
    ("AU", 0, 18_200.0, 1_800, 45_000.0, 3_200),
];

/// Combined statutory rate of corporate income tax, in basis points (national and the
/// usual local taxes on profit; OECD corporate tax statistics, 2024).
pub fn income_tax_bp(country: &str) -> i64 {
    match country {
        "US" => 2580,
        "CA" => 2610,
        "GB" => 2500,
        "DE" => 2990,
        "FR" => 2580,
        "NL" => 2580,
        "IT" => 2780,
        "ES" => 2500,
        "CH" => 1960,
        "JP" => 2970,
        "AU" => 3000,
        _ => 2500,
    }
}

/// The country a currency implies when a company names none.
pub fn country_of_currency(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "USD" => "US",
        "CAD" => "CA",
        "GBP" => "GB",
        "EUR" => "DE",
        "CHF" => "CH",
        "JPY" => "JP",
        "AUD" => "AU",
        _ => return None,
    })
}

/// Parts of partner names.
pub static NAME_FIRST: &[&str] = &[
    "Acme",
    "Northwind",
    "Blue River",
    "Summit",
    "Keystone",
    "Silverline",
    "Redwood",
    "Harbor",
    "Granite",
    "Pioneer",
    "Evergreen",
    "Atlas",
    "Crescent",
    "Falcon",
    "Meridian",
    "Orion",
    "Sterling",
    "Vantage",
    "Horizon",
    "Cedar",
    "Aurora",
    "Beacon",
    "Cobalt",
    "Delta",
    "Eastgate",
    "Fairview",
    "Golden Gate",
    "Highland",
    "Ironwood",
    "Juniper",
    "Lakeside",
    "Maple",
    "Nordic",
    "Oakridge",
    "Pacific",
    "Quantum",
    "Riverside",
    "Sapphire",
    "Titan",
    "Unity",
    "Westbrook",
    "Zenith",
];
/// Parts of partner names.
pub static NAME_SECOND: &[&str] = &[
    "Industrial",
    "Logistics",
    "Components",
    "Trading",
    "Systems",
    "Foods",
    "Metals",
    "Packaging",
    "Electronics",
    "Consulting",
    "Chemicals",
    "Textiles",
    "Software",
    "Energy",
    "Supplies",
    "Tools",
    "Plastics",
    "Machinery",
    "Distribution",
    "Services",
    "Retail",
    "Engineering",
    "Automation",
    "Materials",
];
/// A third word of partner names (none for a tenth), at most 6 characters so that
/// every name fits its 48 bytes.
pub static NAME_VARIANT: &[&str] = &[
    "", "& Sons", "Works", "Global", "Supply", "Direct", "Plus", "Tech", "Line", "Labs",
];
/// The word that marks the group's own companies' names (no partner has it).
pub const GROUP_WORD: &str = "Group";
/// Legal forms by country (the first entry of each country is its most common form);
/// countries without their own list use [`DEFAULT_LEGAL_FORMS`].
pub static LEGAL_FORMS: &[(&str, &[&str])] = &[
    ("US", &["Inc.", "LLC", "Corp."]),
    ("CA", &["Inc.", "Ltd.", "Corp."]),
    ("GB", &["Ltd", "PLC", "LLP"]),
    ("IE", &["Ltd", "DAC", "PLC"]),
    ("DE", &["GmbH", "AG", "GmbH & Co. KG"]),
    ("AT", &["GmbH", "AG", "KG"]),
    ("CH", &["AG", "GmbH", "SA"]),
    ("FR", &["SAS", "SARL", "S.A."]),
    ("IT", &["S.r.l.", "S.p.A."]),
    ("ES", &["S.L.", "S.A."]),
    ("NL", &["B.V.", "N.V."]),
    ("BE", &["BV", "NV", "SRL"]),
    ("PL", &["Sp. z o.o.", "S.A."]),
    ("SE", &["AB"]),
    ("JP", &["K.K.", "G.K."]),
    ("AU", &["Pty Ltd", "Ltd"]),
];
/// Legal forms of the countries [`LEGAL_FORMS`] does not list.
pub static DEFAULT_LEGAL_FORMS: &[&str] = &["Ltd"];

/// The legal forms of `country`.
pub fn legal_forms(country: &str) -> &'static [&'static str] {
    LEGAL_FORMS
        .iter()
        .find(|f| f.0 == country)
        .map_or(DEFAULT_LEGAL_FORMS, |f| f.1)
}
/// Payment terms in days.
pub static PAYMENT_TERMS: &[u16] = &[14, 30, 30, 30, 45, 60, 60, 90];

/// First names of employees.
pub static PERSON_FIRST: &[&str] = &[
    "James", "Anna", "Li", "Pablo", "Keiko", "Ravi", "Sofia", "Marco", "Emma", "Tunde", "Hana",
    "Dorota", "Lukas", "Chloe", "Omar", "Ingrid", "Mateo", "Priya", "Noah", "Yara", "Felix",
    "Aiko", "Jonas", "Lea", "Samir", "Grace", "Viktor", "Elena", "Ben", "Mia",
];
/// Last names of employees.
pub static PERSON_LAST: &[&str] = &[
    "Smith",
    "Mueller",
    "Chen",
    "Garcia",
    "Nakamura",
    "Patel",
    "Johansson",
    "Rossi",
    "Dubois",
    "Okafor",
    "Kim",
    "Nowak",
    "Weber",
    "Martin",
    "Haddad",
    "Larsen",
    "Lopez",
    "Iyer",
    "Brown",
    "Santos",
    "Fischer",
    "Tanaka",
    "Schulz",
    "Bernard",
    "Aziz",
    "Wilson",
    "Petrov",
    "Costa",
    "Taylor",
    "Moreau",
    "Singh",
    "Berg",
];
/// Job titles by department.
pub static JOB_TITLES: &[(&str, &[&str])] = &[
    ("Management", &["Managing director", "Assistant"]),
    ("Finance", &["Accountant", "Controller", "Treasury analyst"]),
    ("HR", &["HR partner", "Payroll specialist"]),
    ("IT", &["System administrator", "Developer"]),
    ("Administration", &["Facility manager", "Receptionist"]),
    ("Purchasing", &["Buyer", "Purchasing manager"]),
    (
        "Logistics",
        &["Warehouse operative", "Forklift driver", "Dispatcher"],
    ),
    (
        "Sales",
        &["Account manager", "Sales representative", "Inside sales"],
    ),
    ("Marketing", &["Marketing manager", "Content specialist"]),
    (
        "Service",
        &["Service technician", "Support agent", "Consultant"],
    ),
    ("R&D", &["Engineer", "Product designer"]),
];

/// Trading goods: (description, unit, median list price in major units).
pub static GOODS: &[(&str, &str, f64)] = &[
    ("Steel sheet 2mm", "m2", 38.0),
    ("Hex bolts M8, box of 100", "box", 14.0),
    ("Hydraulic pump", "pc", 1450.0),
    ("Packaging film, roll", "roll", 65.0),
    ("Laptop 14\"", "pc", 1100.0),
    ("Office chair", "pc", 240.0),
    ("Copper wire, 50m", "roll", 120.0),
    ("Printer toner", "pc", 85.0),
    ("Industrial adhesive, 5L", "can", 95.0),
    ("Safety gloves, pair", "pair", 6.5),
    ("LED panel 60x60", "pc", 48.0),
    ("Electric motor 3kW", "pc", 620.0),
    ("Ball bearing 6204", "pc", 9.0),
    ("Pallet rack section", "pc", 310.0),
    ("Aluminium profile 6m", "pc", 42.0),
    ("Control cabinet", "pc", 2300.0),
    ("Cable ties, pack of 500", "pack", 11.0),
    ("Pneumatic valve", "pc", 175.0),
    ("Workbench", "pc", 680.0),
    ("Corrugated boxes, bundle", "bundle", 28.0),
    ("Monitor 27\"", "pc", 290.0),
    ("Welding wire, spool", "spool", 55.0),
    ("Conveyor belt, per metre", "m", 135.0),
    ("Cutting disc, pack of 10", "pack", 19.0),
];
/// Services sold: (description, unit, median price, revenue account).
pub static SERVICES_SOLD: &[(&str, &str, f64, u32)] = &[
    ("Installation service", "h", 95.0, 410000),
    ("Maintenance contract, monthly", "month", 420.0, 410000),
    ("Consulting hours", "h", 140.0, 410000),
    ("Training day", "day", 900.0, 410000),
    ("Software licence, annual", "pc", 1800.0, 420000),
    ("Support subscription, annual", "pc", 2400.0, 420000),
];
/// Services bought: (description, expense account, median unit price, cost center pool).
pub static SERVICES_BOUGHT: &[(&str, u32, f64, &[usize])] = &[
    ("Freight, pallet", 510000, 180.0, &[7, 8]),
    ("Electricity, monthly", 620000, 2400.0, &[5]),
    ("Cleaning service", 690000, 650.0, &[5]),
    ("Machine maintenance", 690000, 900.0, &[7, 9]),
    ("Cloud hosting, monthly", 650000, 1300.0, &[4]),
    ("Software subscription", 650000, 450.0, &[4, 1, 16]),
    ("Advertising campaign", 660000, 3500.0, &[16, 17]),
    ("Trade fair stand", 660000, 6000.0, &[16]),
    ("Audit fees", 670000, 8000.0, &[1]),
    ("Legal advice, hours", 670000, 320.0, &[3]),
    ("Temporary staff, hours", 510000, 45.0, &[7, 18]),
    ("Travel agency invoice", 630000, 780.0, &[10, 11, 12, 13]),
    ("Office supplies order", 640000, 210.0, &[5]),
];

/// Asset classes: (class, asset account, accumulated depreciation account, life in
/// months, descriptions).
pub static ASSET_CLASSES: &[(&str, u32, u32, u16, &[&str])] = &[
    (
        "machinery",
        150000,
        159000,
        120,
        &[
            "Forklift",
            "Packaging machine",
            "Conveyor line",
            "Compressor",
            "CNC machine",
        ],
    ),
    (
        "office_equipment",
        151000,
        159100,
        48,
        &[
            "Server rack",
            "Laptops (batch)",
            "Office furniture",
            "Phone system",
            "Printers",
        ],
    ),
    (
        "vehicles",
        152000,
        159200,
        72,
        &["Delivery van", "Company car", "Truck", "Service van"],
    ),
];

/// Header and line texts.
pub mod texts {
    /// Goods receipts.
    pub const GOODS_RECEIPT: &[&str] =
        &["Goods receipt for PO", "Goods receipt", "Inbound delivery"];
    /// Vendor invoices.
    pub const VENDOR_INVOICE: &[&str] = &["Vendor invoice", "Incoming invoice", "Invoice receipt"];
    /// Vendor invoices for services.
    pub const SERVICE_INVOICE: &[&str] =
        &["Service invoice", "Vendor invoice", "Invoice, services"];
    /// Vendor payments.
    pub const PAYMENT: &[&str] = &["Outgoing payment", "Payment run", "Vendor payment"];
    /// Goods issues.
    pub const GOODS_ISSUE: &[&str] = &["Goods issue for delivery", "Outbound delivery"];
    /// Customer invoices.
    pub const CUSTOMER_INVOICE: &[&str] = &["Customer invoice", "Billing document", "Invoice"];
    /// Customer receipts.
    pub const RECEIPT: &[&str] = &["Incoming payment", "Bank statement", "Customer payment"];
    /// Expense claims.
    pub const EXPENSE_CLAIM: &[&str] = &[
        "Expense claim",
        "Travel expense report",
        "Employee reimbursement",
    ];
    /// Direct debits.
    pub const DIRECT_DEBIT: &[&str] = &["Direct debit", "Bank debit", "Standing order"];
    /// Petty cash.
    pub const PETTY_CASH: &[&str] = &["Petty cash", "Cash purchase", "Petty cash voucher"];
    /// Reclassifications.
    pub const RECLASS: &[&str] = &[
        "Reclassification",
        "Cost center correction",
        "Reclass, see memo",
    ];
    /// Cost allocation cycles.
    pub const ALLOCATION: &[&str] = &[
        "Overhead assessment",
        "Cost center assessment",
        "Administration overhead allocation",
        "IT and facility cost distribution",
        "Periodic cost allocation",
    ];
}
