//! Static text pools and the chart of accounts: all text in records comes from here.

use synth_model::Account;

const fn acct(account: u32, name: &'static str, account_type: &'static str) -> Account {
    // Assets and expenses grow on the debit side; liabilities, equity, revenue on credit.
    let b = account_type.as_bytes();
    let normal_balance = match (b[0], b[1]) {
        (b'a', _) | (b'e', b'x') => "debit",
        _ => "credit",
    };
    Account {
        account,
        name,
        account_type,
        normal_balance,
    }
}

/// The chart of accounts (a small industrial company, SAP-like numbering).
pub static CHART_OF_ACCOUNTS: &[Account] = &[
    acct(100000, "Cash on hand", "asset"),
    acct(110000, "Bank - operating account", "asset"),
    acct(111000, "Bank - payroll account", "asset"),
    acct(120000, "Trade receivables", "asset"),
    acct(130000, "Raw materials inventory", "asset"),
    acct(131000, "Finished goods inventory", "asset"),
    acct(140000, "Prepaid expenses", "asset"),
    acct(150000, "Machinery and equipment", "asset"),
    acct(151000, "Office equipment", "asset"),
    acct(159000, "Accumulated depreciation", "asset"),
    acct(200000, "Trade payables", "liability"),
    acct(210000, "Accrued liabilities", "liability"),
    acct(220000, "Sales tax payable", "liability"),
    acct(230000, "Payroll liabilities", "liability"),
    acct(300000, "Share capital", "equity"),
    acct(310000, "Retained earnings", "equity"),
    acct(400000, "Revenue - products", "revenue"),
    acct(410000, "Revenue - services", "revenue"),
    acct(420000, "Revenue - licences", "revenue"),
    acct(500000, "Cost of goods sold", "expense"),
    acct(510000, "Purchased services", "expense"),
    acct(600000, "Salaries and wages", "expense"),
    acct(601000, "Social security contributions", "expense"),
    acct(610000, "Rent", "expense"),
    acct(620000, "Utilities", "expense"),
    acct(630000, "Travel expenses", "expense"),
    acct(640000, "Office supplies", "expense"),
    acct(650000, "IT and software", "expense"),
    acct(660000, "Marketing", "expense"),
    acct(670000, "Professional fees", "expense"),
    acct(680000, "Depreciation expense", "expense"),
    acct(690000, "Repairs and maintenance", "expense"),
];

/// Account numbers by role, so postings pair sensible accounts.
pub mod accounts {
    /// Cash and bank.
    pub const BANK: &[u32] = &[110000, 110000, 110000, 100000];
    /// Trade receivables.
    pub const RECEIVABLES: &[u32] = &[120000];
    /// Trade payables.
    pub const PAYABLES: &[u32] = &[200000];
    /// What vendor invoices debit.
    pub const PURCHASES: &[u32] = &[
        130000, 130000, 500000, 510000, 610000, 620000, 630000, 640000, 650000, 660000, 670000,
        690000, 140000, 151000,
    ];
    /// What customer invoices credit.
    pub const REVENUE: &[u32] = &[400000, 400000, 400000, 410000, 410000, 420000, 220000];
    /// What accruals debit.
    pub const ACCRUED_EXPENSES: &[u32] = &[610000, 620000, 650000, 670000, 510000];
    /// What accruals credit.
    pub const ACCRUALS: &[u32] = &[210000];
    /// What payroll debits.
    pub const PAYROLL_EXPENSES: &[u32] = &[600000, 600000, 601000];
    /// What payroll credits.
    pub const PAYROLL_CREDIT: &[u32] = &[111000, 230000];
    /// Depreciation debit.
    pub const DEPRECIATION: &[u32] = &[680000];
    /// Depreciation credit.
    pub const ACCUMULATED_DEPRECIATION: &[u32] = &[159000];
    /// Reclassification between expense accounts.
    pub const RECLASS: &[u32] = &[610000, 620000, 630000, 640000, 650000, 660000, 670000];
}

/// People who post manual entries.
pub static MANUAL_USERS: &[&str] = &[
    "JSMITH",
    "AMUELLER",
    "LCHEN",
    "PGARCIA",
    "KNAKAMURA",
    "RPATEL",
    "SJOHANSSON",
    "MROSSI",
    "EDUBOIS",
    "TOKAFOR",
    "HKIM",
    "DNOWAK",
];

/// Cost centers.
pub static COST_CENTERS: &[&str] = &[
    "CC1000", "CC1100", "CC1200", "CC2000", "CC2100", "CC3000", "CC3100", "CC3200", "CC4000",
    "CC5000",
];

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
];
/// Legal forms.
pub static NAME_SUFFIX: &[&str] = &[
    "Inc.", "LLC", "GmbH", "Ltd", "S.A.", "AG", "B.V.", "Corp.", "& Co. KG", "S.r.l.",
];
/// (country, city) pairs.
pub static LOCATIONS: &[(&str, &str)] = &[
    ("US", "Chicago"),
    ("US", "Houston"),
    ("US", "New York"),
    ("DE", "München"),
    ("DE", "Hamburg"),
    ("FR", "Lyon"),
    ("GB", "Manchester"),
    ("NL", "Rotterdam"),
    ("IT", "Milano"),
    ("ES", "Zaragoza"),
    ("JP", "Ōsaka"),
    ("CA", "Montréal"),
    ("PL", "Kraków"),
    ("SE", "Göteborg"),
];
/// Payment terms in days.
pub static PAYMENT_TERMS: &[u16] = &[14, 30, 30, 30, 45, 60, 90];

/// What documents' items describe.
pub static ITEM_DESCRIPTIONS: &[&str] = &[
    "Steel sheet 2mm",
    "Hex bolts M8, box of 100",
    "Hydraulic pump",
    "Packaging film, roll",
    "Laptop 14\"",
    "Consulting hours",
    "Maintenance service",
    "Electricity, monthly",
    "Office chairs",
    "Software licence, annual",
    "Freight, pallet",
    "Copper wire, 50m",
    "Cleaning service",
    "Printer toner",
    "Industrial adhesive, 5L",
];

/// Line texts per kind of posting.
pub mod texts {
    /// Lines of vendor invoices.
    pub const PURCHASE: &[&str] = &[
        "Goods receipt / invoice",
        "Purchased material",
        "Service received",
        "Invoice, see attachment",
    ];
    /// Lines of customer invoices.
    pub const SALE: &[&str] = &[
        "Product sale",
        "Service revenue",
        "Licence fee",
        "Sales tax",
    ];
    /// Lines of payments and receipts.
    pub const PAYMENT: &[&str] = &[
        "Payment run",
        "Bank transfer",
        "Incoming payment",
        "Cleared item",
    ];
    /// Lines of manual entries.
    pub const MANUAL: &[&str] = &[
        "Month-end accrual",
        "Accrual reversal",
        "Reclass, see memo",
        "Correction, \"per audit\"",
        "Adjustment, Q-end",
    ];
    /// Lines of payroll.
    pub const PAYROLL: &[&str] = &["Payroll", "Employer contributions", "Net salaries"];
    /// Lines of depreciation.
    pub const DEPRECIATION: &[&str] = &["Depreciation run", "Asset depreciation"];
}
