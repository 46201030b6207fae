//! The people who enter and approve entries, and the batch jobs that post.

/// People who enter and approve entries: (login, name, role, department, approval
/// limit in minor units).
pub static USERS: &[(&str, &str, &str, &str, i64)] = &[
    (
        "JGARCIA",
        "James Garcia",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    ("AKIM", "Anna Kim", "ap_clerk", "Accounts payable", 500000),
    ("LIYER", "Li Iyer", "ap_clerk", "Accounts payable", 500000),
    (
        "PFISCHER",
        "Pablo Fischer",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "KBERNARD",
        "Keiko Bernard",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "RPETROV",
        "Ravi Petrov",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "SSINGH",
        "Sofia Singh",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "MLINDQVIST",
        "Marco Lindqvist",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "ENOVAK",
        "Emma Novak",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "TFARAH",
        "Tunde Farah",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "HMEYER",
        "Hana Meyer",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "DOLSEN",
        "Dorota Olsen",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "LSMITH",
        "Lukas Smith",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "CNAKAMURA",
        "Chloe Nakamura",
        "ap_clerk",
        "Accounts payable",
        500000,
    ),
    (
        "ODUBOIS",
        "Omar Dubois",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "INOWAK",
        "Ingrid Nowak",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "MHADDAD",
        "Mateo Haddad",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "PLOPEZ",
        "Priya Lopez",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "NSANTOS",
        "Noah Santos",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "YTANAKA",
        "Yara Tanaka",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "FAZIZ",
        "Felix Aziz",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "AWILSON",
        "Aiko Wilson",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "JCOSTA",
        "Jonas Costa",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    (
        "LTAYLOR",
        "Lea Taylor",
        "ar_clerk",
        "Accounts receivable",
        500000,
    ),
    ("SMOREAU", "Samir Moreau", "warehouse_clerk", "Logistics", 0),
    ("GBERG", "Grace Berg", "warehouse_clerk", "Logistics", 0),
    (
        "VCLARKE",
        "Viktor Clarke",
        "warehouse_clerk",
        "Logistics",
        0,
    ),
    ("ESATO", "Elena Sato", "warehouse_clerk", "Logistics", 0),
    ("BROMANO", "Ben Romano", "warehouse_clerk", "Logistics", 0),
    ("MEVANS", "Mia Evans", "warehouse_clerk", "Logistics", 0),
    (
        "ALAURENT",
        "Arjun Laurent",
        "warehouse_clerk",
        "Logistics",
        0,
    ),
    (
        "NNILSSON",
        "Nora Nilsson",
        "warehouse_clerk",
        "Logistics",
        0,
    ),
    (
        "TKELLER",
        "Tom Keller",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "SHANSEN",
        "Sara Hansen",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "KORTEGA",
        "Kenji Ortega",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "LOLSEN",
        "Laura Olsen",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "IVOGEL",
        "Ivan Vogel",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "ZWRIGHT",
        "Zoe Wright",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "HYOUNG",
        "Hugo Young",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "AMUELLER",
        "Amira Mueller",
        "gl_accountant",
        "Accounting",
        2500000,
    ),
    (
        "OJOHANSSON",
        "Oscar Johansson",
        "senior_accountant",
        "Accounting",
        10000000,
    ),
    (
        "JOKAFOR",
        "Julia Okafor",
        "senior_accountant",
        "Accounting",
        10000000,
    ),
    (
        "MWEBER",
        "Mats Weber",
        "senior_accountant",
        "Accounting",
        10000000,
    ),
    (
        "CLARSEN",
        "Clara Larsen",
        "senior_accountant",
        "Accounting",
        10000000,
    ),
    (
        "DBROWN",
        "Diego Brown",
        "senior_accountant",
        "Accounting",
        10000000,
    ),
    (
        "RSCHULZ",
        "Rosa Schulz",
        "controller",
        "Controlling",
        100000000,
    ),
    (
        "ESILVA",
        "Erik Silva",
        "controller",
        "Controlling",
        100000000,
    ),
    ("LCHEN", "Lina Chen", "controller", "Controlling", 100000000),
    (
        "PMARTIN",
        "Paul Martin",
        "controller",
        "Controlling",
        100000000,
    ),
    (
        "APATEL",
        "Ava Patel",
        "finance_director",
        "Finance",
        1000000000,
    ),
    (
        "JROSSI",
        "James Rossi",
        "finance_director",
        "Finance",
        1000000000,
    ),
    ("AKIM2", "Anna Kim", "cfo", "Finance", 100000000000),
    (
        "LMEYER",
        "Laura Meyer",
        "master_data_specialist",
        "Finance",
        0,
    ),
    (
        "DOKAFOR",
        "Daniel Okafor",
        "master_data_specialist",
        "Finance",
        0,
    ),
    (
        "SNIELSEN",
        "Sofia Nielsen",
        "master_data_specialist",
        "Finance",
        0,
    ),
];

/// Batch jobs that post: (login, description).
pub static BATCH_USERS: &[(&str, &str)] = &[
    ("BATCH_AP", "Invoice capture (OCR/EDI)"),
    ("SYS_PAYRUN", "Payment run"),
    ("BATCH_AR", "Billing run"),
    ("SYS_BANKSTMT", "Bank statement import"),
    ("SYS_PAYROLL", "Payroll interface"),
    ("SYS_ASSETS", "Depreciation run"),
    ("SYS_MM", "Goods movements interface"),
    ("SYS_EXPENSE", "Expense claims interface"),
    ("SYS_GL", "Automatic reversals"),
    ("SYS_CO", "Cost allocation cycles"),
];

/// Users by role (indices into [`USERS`]), and batch job logins.
pub mod users {
    /// Accounts payable clerks.
    pub const AP: std::ops::Range<usize> = 0..14;
    /// Accounts receivable clerks.
    pub const AR: std::ops::Range<usize> = 14..24;
    /// Warehouse clerks.
    pub const WAREHOUSE: std::ops::Range<usize> = 24..32;
    /// G/L accountants.
    pub const GL: std::ops::Range<usize> = 32..40;
    /// Master data specialists: they alone change vendors' bank accounts (segregation
    /// of duties: the clerks who post a vendor's invoices never do).
    pub const MASTER_DATA: std::ops::Range<usize> = 52..55;
    /// Approvers, from the lowest limit to the highest: (users, limit in minor units).
    pub const APPROVERS: &[(std::ops::Range<usize>, i64)] = &[
        (32..40, 2_500_000),
        (40..45, 10_000_000),
        (45..49, 100_000_000),
        (49..51, 1_000_000_000),
        (51..52, 100_000_000_000),
    ];
    /// Senior accountants whose limit is raised to the controllers' in the period:
    /// (user, the share of the period before the day it takes effect).
    pub const RAISED: &[(usize, f64)] = &[(41, 0.4), (43, 0.65)];
    /// Invoice capture.
    pub const BATCH_AP: &str = "BATCH_AP";
    /// Payment run.
    pub const PAYRUN: &str = "SYS_PAYRUN";
    /// Billing run.
    pub const BATCH_AR: &str = "BATCH_AR";
    /// Bank statement import.
    pub const BANK: &str = "SYS_BANKSTMT";
    /// Payroll.
    pub const PAYROLL: &str = "SYS_PAYROLL";
    /// Depreciation.
    pub const ASSETS: &str = "SYS_ASSETS";
    /// Goods movements.
    pub const MM: &str = "SYS_MM";
    /// Expense claims.
    pub const EXPENSE: &str = "SYS_EXPENSE";
    /// Automatic reversals.
    pub const GL_AUTO: &str = "SYS_GL";
    /// Cost allocation cycles.
    pub const ALLOCATION: &str = "SYS_CO";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_unique_and_the_role_ranges_hold_their_roles() {
        let mut logins: Vec<&str> = USERS.iter().map(|u| u.0).collect();
        logins.extend(BATCH_USERS.iter().map(|u| u.0));
        let n = logins.len();
        logins.sort_unstable();
        logins.dedup();
        assert_eq!(logins.len(), n, "a login given twice");
        for k in users::MASTER_DATA {
            assert_eq!(USERS[k].2, "master_data_specialist", "{}", USERS[k].0);
            assert_eq!(USERS[k].4, 0, "master data specialists approve nothing");
        }
        for (range, limit) in users::APPROVERS {
            for k in range.clone() {
                assert_eq!(USERS[k].4, *limit, "{}", USERS[k].0);
            }
        }
        let top = users::APPROVERS.last().map(|(r, _)| r.start);
        assert_eq!(top.map(|k| USERS[k].2), Some("cfo"));
        for (k, share) in users::RAISED {
            assert!(users::APPROVERS[1].0.contains(k), "{}", USERS[*k].0);
            assert!((0.1..0.9).contains(share));
        }
    }
}
