//! Labelled irregularities: which cases carry one, of which type, as a pure function of
//! (seed, case index), and the `anomalies` configuration section.
//!
//! The case blocks of a run are cut into windows of about `1 / rate` blocks; each window
//! holds exactly one anomaly, in a block drawn from the window's index. Its type follows
//! a low-discrepancy sequence over the configured weights, so the count of each type is
//! within one or two of its share at any size. Types that change a business case (a
//! duplicate payment, a price variance, ...) take the first block of the window, from
//! the drawn one on, whose case can carry them; the others replace the block's case.

use crate::world::rng::{record_key, stream};
use serde::{Deserialize, Serialize};

macro_rules! anomaly_types {
    ($( $(#[$doc:meta])* $var:ident $field:ident $family:ident $severity:literal $weight:literal $effect:expr, $desc:literal; )*) => {
        /// A type of irregularity the generator can inject. Deliberately exhaustive: a
        /// `match` over it lists every type, so a new one is a compile error wherever its
        /// effect must be written.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AnomalyType {
            $( $(#[$doc])* $var, )*
        }

        impl AnomalyType {
            /// Every type, in the order of the configuration's weights.
            pub const ALL: &'static [AnomalyType] = &[$(AnomalyType::$var,)*];

            /// The type's name, as `anomalies.anomaly_type` and the config's weights spell it.
            pub const fn name(self) -> &'static str {
                match self { $( AnomalyType::$var => stringify!($field), )* }
            }

            /// `low`, `medium` or `high`.
            pub const fn severity(self) -> &'static str {
                match self { $( AnomalyType::$var => $severity, )* }
            }

            /// The family it belongs to, as auditors and fraud examiners group them.
            pub const fn family(self) -> Family {
                match self { $( AnomalyType::$var => Family::$family, )* }
            }

            /// What the irregularity is, in a sentence.
            pub const fn description(self) -> &'static str {
                match self { $( AnomalyType::$var => $desc, )* }
            }

            /// What it does to the case block it falls on.
            pub(crate) const fn effect(self) -> Effect {
                match self { $( AnomalyType::$var => $effect, )* }
            }

            /// The type called `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|t| t.name() == name)
            }
        }

        /// Relative weights of the anomaly types (1 by default, 0 for the data-quality
        /// family; 0 leaves a type out).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct AnomalyWeights {
            $( $(#[$doc])* pub $field: f64, )*
        }

        impl Default for AnomalyWeights {
            fn default() -> Self {
                Self { $( $field: $weight, )* }
            }
        }

        impl AnomalyWeights {
            /// The weight of `t`.
            pub fn get(&self, t: AnomalyType) -> f64 {
                match t { $( AnomalyType::$var => self.$field, )* }
            }

            /// Sets the weight of `t`.
            pub fn set(&mut self, t: AnomalyType, w: f64) {
                match t { $( AnomalyType::$var => self.$field = w, )* }
            }
        }

        /// The difficulty of each type, where it differs from the section's (null: the
        /// section's `difficulty`).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct AnomalyDifficulties {
            $( $(#[$doc])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<Difficulty>, )*
        }

        impl AnomalyDifficulties {
            /// The level set for `t`, if any.
            pub fn get(&self, t: AnomalyType) -> Option<Difficulty> {
                match t { $( AnomalyType::$var => self.$field, )* }
            }
        }
    };
}

anomaly_types! {
    /// A vendor invoice paid twice.
    DuplicatePayment duplicate_payment AssetMisappropriation "high" 1.0 Effect::Change(Change::Duplicate),
        "A vendor invoice paid a second time: 3-10 days after the first payment (easy), 2-4 weeks (realistic), 4-8 weeks (hard).";
    /// One purchase split into invoices just below an approval limit.
    SplitPurchase split_purchase ControlCircumvention "high" 1.0 Effect::Scene(Staged::SplitPurchase),
        "One purchase entered as two invoices of the same vendor on the same day, each below an approval limit that their sum exceeds: at 90-99.5% of it (easy), 85-99.5% (realistic), 80-99% (hard).";
    /// A manual entry approved by the user who entered it.
    SelfApproval self_approval ControlCircumvention "high" 1.0 Effect::Twist(Twisted::SelfApproval),
        "A manual entry approved by the user who entered it (segregation of duties).";
    /// A manual entry approved by someone whose limit it exceeds.
    ApprovalAboveLimit approval_above_limit ControlCircumvention "medium" 1.0 Effect::Twist(Twisted::AboveLimit),
        "A manual entry approved by a user whose approval limit is below its amount: 1.1-3.6 times the limit (easy), 1.02-1.5 (realistic), 1.002-1.1 (hard).";
    /// A manual entry at night, on a weekend or on a public holiday.
    OffHoursEntry off_hours_entry JournalEntryOutlier "medium" 1.0 Effect::Twist(Twisted::OffHours),
        "A manual entry entered on a weekend, a public holiday or out of hours: at night (easy), in the evening or early morning (realistic), just after 19:00 or before 07:00 (hard).";
    /// A large round manual G/L posting.
    RoundAmount round_amount JournalEntryOutlier "low" 1.0 Effect::Twist(Twisted::Round),
        "A manual G/L posting of a round amount: a multiple of 1,000 from 10,000 (easy), of 500 from 5,000 (realistic), of 100 from 1,000 (hard).";
    /// Petty cash debited against an expense, without a document.
    UnusualAccountPair unusual_account_pair AssetMisappropriation "high" 1.0 Effect::Twist(Twisted::CashAgainstExpense),
        "A manual entry without a document that debits petty cash and credits an expense account.";
    /// A manual entry entered weeks after its posting date, into a closed period.
    BackdatedEntry backdated_entry ControlCircumvention "medium" 1.0 Effect::Twist(Twisted::Backdated),
        "A manual entry entered after its posting date, into a month already closed: 20-74 days later (easy), 5-20 days into the next month (realistic), on its 4th-9th day, posted on one of the month's last working days (hard).";
    /// A goods invoice with neither purchase order nor goods receipt.
    InvoiceWithoutOrder invoice_without_order ProcessError "medium" 1.0 Effect::Change(Change::WithoutOrder),
        "A vendor invoice for goods with neither a purchase order nor a goods receipt (three-way match failure).";
    /// An invoice price far above the purchase order's.
    PriceVariance price_variance ProcessError "medium" 1.0 Effect::Change(Change::PriceVariance),
        "A vendor invoice whose price for an item is above the purchase order's: by 20-60% (easy), 10-25% (realistic), 5-15% (hard).";
    /// A customer invoice posted before its delivery, at a month end.
    RevenueBeforeDelivery revenue_before_delivery FinancialStatementFraud "high" 1.0 Effect::Change(Change::EarlyRevenue),
        "A customer invoice posted at a month end, before the goods are delivered in the next month (cut-off): by its 10th day (easy), 6th (realistic), 4th (hard).";
    /// An entry reversed and posted again for a different amount.
    ReversalReposted reversal_reposted FinancialStatementFraud "high" 1.0 Effect::Scene(Staged::ReversalReposted),
        "A manual month-end accrual reversed by hand days later and posted again for a different amount: 15-60% higher or 15-45% lower (easy), 8-30% or 8-25% (realistic), 2-10% (hard).";
    /// One user's amounts that do not follow Benford's law.
    BenfordViolation benford_violation FinancialStatementFraud "high" 1.0 Effect::Scene(Staged::Benford),
        "Manual entries of one user whose first digits break Benford's law: mostly 7, 8 or 9, from a controller who otherwise only approves (easy); 5 to 9 evenly (realistic) or 1 to 9 evenly (hard), from an accountant who also does ordinary work.";
    /// A vendor created just before its first invoice, never ordered from, paid at once.
    FictitiousVendor fictitious_vendor AssetMisappropriation "high" 1.0 Effect::Scene(Staged::FictitiousVendor),
        "A vendor created days before its first and only invoice, with no purchase order, paid 1-3 days after it (easy), 4-10 (realistic), 8-20 (hard).";
    /// A vendor paid into the bank account of one of the company's employees.
    ShellVendor shell_vendor AssetMisappropriation "high" 1.0 Effect::Scene(Staged::FictitiousVendor),
        "A vendor created days before its first invoice, never ordered from, whose bank account is that of one of the company's employees (a shell company): paid 1-3 days after the invoice (easy), 4-10 (realistic), 8-20 (hard).";
    /// A vendor payment sent to an employee's bank account instead of the vendor's.
    PaymentDiversion payment_diversion AssetMisappropriation "high" 1.0 Effect::Change(Change::Diverted),
        "A vendor's payment sent to the bank account of one of the company's employees instead of the vendor's, which the vendor master keeps unchanged (a diverted payment, the invoice left unpaid in truth).";
    /// An employee's net pay sent to another account, the employee master unchanged.
    PayrollDiversion payroll_diversion AssetMisappropriation "high" 1.0 Effect::Scene(Staged::PayrollDiversion),
        "An employee's net pay sent to another account than the employee's, which the employee master keeps (bank details changed for the payroll and changed back): every run of two months to a colleague's account (easy), of one month (realistic); one run to an account nobody in the data has (hard).";
    /// A vendor entered a second time in the vendor master, and invoiced through.
    DuplicateVendor duplicate_vendor ProcessError "low" 1.0 Effect::Scene(Staged::FictitiousVendor),
        "A vendor entered in the vendor master a second time, with the same tax ID and bank account, and a service invoice booked to the copy: under the same name (easy), the name in capitals (realistic), in capitals without its legal form (hard).";
    /// A vendor's bank account changed days before a payment, and changed back after it.
    VendorBankChange vendor_bank_change AssetMisappropriation "high" 1.0 Effect::Scene(Staged::DivertedPayment),
        "A vendor's bank account changed in the vendor master days before a payment, which went to the new account; changed back after it.";
    /// Revenue booked by a manual entry against receivables of no customer.
    FictitiousRevenue fictitious_revenue FinancialStatementFraud "high" 1.0 Effect::Twist(Twisted::TopSide),
        "Revenue booked by a manual entry dressed as a reclassification, against receivables of no customer and without an invoice (a top-side entry): on a quarter's last working day (easy), on one of a month's last three (realistic), on any day (hard).";
    /// A manual entry whose header text is what auditors search for.
    SuspiciousText suspicious_text JournalEntryOutlier "medium" 1.0 Effect::Twist(Twisted::Suspicious),
        "A manual entry whose header text is one auditors search for: a plug, an override, an instruction from above, a request not to reverse it.";
    /// An accrual kept as a reserve and released into profit months later.
    CookieJarReserve cookie_jar_reserve FinancialStatementFraud "high" 1.0 Effect::Scene(Staged::CookieJar),
        "A month-end accrual that is never reversed, kept as a reserve, and released into profit by a manual entry dressed as a reclassification two to five months later (cookie-jar accounting).";
    /// A meal claimed at several times what any meal costs.
    InflatedExpenseClaim inflated_expense_claim AssetMisappropriation "medium" 1.0 Effect::Twist(Twisted::Padded),
        "An expense claim for a client dinner above what any clean meal claim reaches (padding): 2.5-8 times the largest (easy), 1.25-2.5 times (realistic), 1.02-1.4 times (hard).";
    /// An expense claim of an employee who had left the company before the expense.
    FormerEmployeeClaim former_employee_claim AssetMisappropriation "medium" 1.0 Effect::Twist(Twisted::FormerClaimant),
        "An expense claim reimbursed to an employee who had left the company before the expense: spent 45-120 days after leaving (easy), 15-44 (realistic), 1-14 (hard), paid into the account the payroll paid.";
    /// A manual reclassification posted twice.
    DuplicateEntry duplicate_entry ProcessError "low" 1.0 Effect::Scene(Staged::Duplicate),
        "A manual reclassification posted a second time, the same in every line, by the same user with the same text: 10-20 days after the first (easy), 20-60 (realistic), 60-150 (hard).";
    /// An expense claim reimbursed twice.
    DuplicateExpenseClaim duplicate_expense_claim AssetMisappropriation "medium" 1.0 Effect::Scene(Staged::Duplicate),
        "An employee's expense claim submitted and reimbursed a second time: the same receipt (day, amount, category, description), 10-20 days after the first (easy), 20-60 (realistic), 60-150 (hard).";
    /// An invoice price with two adjacent digits swapped.
    TransposedDigits transposed_digits ProcessError "low" 1.0 Effect::Change(Change::Transposed),
        "A vendor invoice whose price for an item is the purchase order's with two adjacent digits swapped (a keying error): the two leading digits (easy), two in the middle (realistic), the last two, the cents (hard).";
    /// Revenue billed while the goods stay in the warehouse for weeks.
    BillAndHold bill_and_hold FinancialStatementFraud "high" 1.0 Effect::Change(Change::BillAndHold),
        "A customer invoice posted on a month's last working day for goods delivered weeks later (bill and hold): 45-90 days later (easy), 25-45 (realistic), 16-25 (hard).";
    /// A purchase order raised after the invoice it should have preceded.
    PurchaseOrderAfterInvoice purchase_order_after_invoice ControlCircumvention "medium" 1.0 Effect::Change(Change::OrderAfterInvoice),
        "A purchase order raised after the goods were received and invoiced, to make the three-way match pass (an after-the-fact order): 10-30 days after the invoice (easy), 3-9 (realistic), 1-2 (hard).";
    /// A customer's cash discount granted on a payment made long after the discount period.
    UnearnedDiscount unearned_discount AssetMisappropriation "medium" 1.0 Effect::Change(Change::UnearnedDiscount),
        "A customer payment accepted with the cash discount of the customer's terms although it came after the discount period: 20-40 days after it (easy), 10-19 (realistic), 6-9 (hard).";
    /// Goods bought above their standard cost from a vendor who pays the buyer back.
    Kickback kickback Corruption "high" 1.0 Effect::Change(Change::Kickback),
        "A purchase order priced above the material's standard cost, which every other order pays, by a buyer whom the vendor pays back (a kickback): 25-60% above (easy), 10-25% (realistic), 4-10% (hard).";
    /// A service invoice left unposted past the month it belongs to.
    UnrecordedLiability unrecorded_liability FinancialStatementFraud "medium" 1.0 Effect::Change(Change::Unrecorded),
        "A vendor's service invoice posted in a later month than its date, leaving the month's expense and liability out of its books (cut-off of liabilities): 35-70 days after its date (easy), 15-30 (realistic), 11-14 (hard).";
    /// A manual G/L entry posted without the approval every manual entry needs.
    MissingApproval missing_approval ControlCircumvention "medium" 1.0 Effect::Twist(Twisted::Unapproved),
        "A manual G/L posting saved without an approval, where every other manual entry has one (the four-eyes principle skipped).";
    /// A manual G/L entry entered by a clerk whose role never posts to the general ledger.
    UnusualUser unusual_user ControlCircumvention "medium" 1.0 Effect::Twist(Twisted::Outsider),
        "A manual G/L posting entered by a user whose role never posts to the general ledger: a warehouse, receivables or payables clerk, who otherwise does ordinary work of their own (access rights too wide).";
    /// A petty cash purchase posted in a month other than its receipt's.
    WrongPeriod wrong_period ProcessError "medium" 1.0 Effect::Twist(Twisted::WrongPeriod),
        "A petty cash purchase posted in a later month than its receipt's date (cut-off error): 32-90 days later (easy), 6-31 days, in the next month (realistic), a receipt of a month's last three days posted on the next month's first working days (hard).";
    /// A petty cash purchase debited to a revenue account instead of an expense.
    Misposting misposting ProcessError "low" 1.0 Effect::Twist(Twisted::Misposted),
        "A petty cash purchase debited to a revenue account instead of its expense account (a wrong account: revenue understated, expenses too, profit the same).";
    /// An expense moved to a fixed asset account by a manual entry.
    ImproperCapitalization improper_capitalization FinancialStatementFraud "high" 1.0 Effect::Twist(Twisted::Capitalised),
        "Repairs or software expenses moved to a fixed asset account by a manual reclassification, outside the asset register: profit overstated by its amount.";
    /// A manual G/L posting split in two, each part below the lowest approval limit.
    SplitEntry split_entry ControlCircumvention "medium" 1.0 Effect::Scene(Staged::SplitEntry),
        "One manual reclassification entered as two by one accountant, on the same accounts and cost centers, each part below the lowest approval limit and their sum above it (threshold avoidance): each at 90-99.5% of the limit, minutes apart (easy); 85-99.5%, the same or the next working day (realistic); 80-99%, one to five working days apart (hard).";
    /// Goods stolen from the warehouse and written off as a cycle count's loss.
    InventoryTheft inventory_theft AssetMisappropriation "high" 1.0 Effect::Scene(Staged::InventoryTheft),
        "Goods of a fast-moving material taken from the warehouse and written off with the month's cycle count as part of its loss (inventory write-off theft), worth 3-6% of the company's month of cost of goods sold (easy), 0.05-0.15% (realistic), 0.02-0.06% (hard), where the largest clean loss of a count is 0.03-0.12%.";
    /// An employee kept on the payroll after leaving, their pay sent elsewhere.
    GhostEmployee ghost_employee AssetMisappropriation "high" 1.0 Effect::Scene(Staged::GhostEmployee),
        "An employee who left, kept on the payroll (a ghost employee): the employee master has the leave date, yet the payroll pays every run of the next two months to a colleague's account, without time off or overtime (easy); of the next month to an account nobody in the data has, without time off or overtime (realistic); of the next month to such an account, with time off and overtime drawn as for anyone employed (hard). At most two a company.";
    /// Two G/L accountants who approve each other's entries.
    Collusion collusion Corruption "high" 1.0 Effect::Scene(Staged::Collusion),
        "Two G/L accountants who approve each other's manual reclassifications, so that no third person sees them (collusion between two users): each enters two that the other approves, every one at 55-79% of their approval limit, all on one day (easy); 35-79%, within a week (realistic); 15-79%, within three weeks (hard).";
    /// A vendor at the home of one of the company's employees.
    ConflictOfInterest conflict_of_interest Corruption "high" 1.0 Effect::Scene(Staged::FictitiousVendor),
        "A vendor in which one of the company's employees has an undisclosed interest, registered where the employee lives (a conflict of interest): an established vendor of the company's country billing services, paid by its terms; at the employee's very address (easy), a few doors along the employee's street (realistic), in the employee's postcode (hard).";
    /// A tender won by a ring of vendors taking turns, the others bidding as a cover.
    BidRigging bid_rigging Corruption "high" 1.0 Effect::Change(Change::BidRigging),
        "A tender rigged by a ring of three established vendors of the company's country that take turns winning (bid rigging): the winner's order prices an item above its standard cost, the ring's other members bid just above the winner so that it is the lowest; 20-45% above the cost, covers 0.5-2.5% above the winner (easy); 6-15%, covers 1-4% (realistic); 3-8%, covers 1.5-6% (hard).";
    /// A manual expense line without a cost center (data quality, off by default).
    MissingCostCenter missing_cost_center DataQuality "low" 0.0 Effect::Twist(Twisted::NoCostCenter),
        "A manual entry whose expense line has no cost center (a missing value; data quality, off by default).";
    /// A manual entry without a header text (data quality, off by default).
    MissingText missing_text DataQuality "low" 0.0 Effect::Twist(Twisted::NoText),
        "A manual entry saved without a header text (a missing value; data quality, off by default).";
    /// A header text with a typing error (data quality, off by default).
    Typo typo DataQuality "low" 0.0 Effect::Twist(Twisted::Typo),
        "A manual entry whose header text has a typing error: two letters swapped or one left out (data quality, off by default).";
    /// A header text with a character lost in an encoding (data quality, off by default).
    EncodingDamage encoding_damage DataQuality "low" 0.0 Effect::Twist(Twisted::Damaged),
        "A manual entry whose header text lost a character to a broken encoding, now U+FFFD (data quality, off by default).";
}

/// A family of anomaly types: the journal-entry test groups auditors run and the
/// occupational-fraud classification fraud examiners use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Theft of the company's money or goods (payments, vendors, petty cash).
    AssetMisappropriation,
    /// Books made to look better or different (revenue, accruals, invented amounts).
    FinancialStatementFraud,
    /// Approvals, limits and periods got around.
    ControlCircumvention,
    /// Entries that stand out by their amount or their time.
    JournalEntryOutlier,
    /// A process gone wrong (three-way match failures).
    ProcessError,
    /// An employee who uses the job to benefit a third party or themselves, or two who
    /// cover for each other (kickbacks, conflicts of interest, collusion).
    Corruption,
    /// Rows damaged on their way: missing values, typing errors, broken encodings (off by
    /// default).
    DataQuality,
}

impl Family {
    /// Its name, as the `anomalies.family` column spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Family::AssetMisappropriation => "asset_misappropriation",
            Family::FinancialStatementFraud => "financial_statement_fraud",
            Family::ControlCircumvention => "control_circumvention",
            Family::JournalEntryOutlier => "journal_entry_outlier",
            Family::ProcessError => "process_error",
            Family::Corruption => "corruption",
            Family::DataQuality => "data_quality",
        }
    }
}

/// How hard an anomaly is to tell from the clean rows of its kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    /// Far from the clean rows: a one-line rule finds every one, and nothing else.
    #[default]
    Easy,
    /// Closer to the clean rows, which hold look-alikes (near misses) the rule also finds.
    Realistic,
    /// Just across the line, among more look-alikes.
    Hard,
}

impl Difficulty {
    /// Its name, as the config and the `anomalies.difficulty` column spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Realistic => "realistic",
            Difficulty::Hard => "hard",
        }
    }

    /// One of three values by level: `easy`, `realistic`, `hard`.
    pub const fn pick<T: Copy>(self, easy: T, realistic: T, hard: T) -> T {
        match self {
            Difficulty::Easy => easy,
            Difficulty::Realistic => realistic,
            Difficulty::Hard => hard,
        }
    }
}

/// What an anomaly type does to the case block it falls on: the one place each type's
/// effect is declared (in [`anomaly_types!`]'s list); every `match` over an effect names
/// each kind, so a new type is a compile error wherever it must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Changes the block's business case, which carries the label.
    Change(Change),
    /// Replaces the case with one manual entry twisted to carry it.
    Twist(Twisted),
    /// Replaces the case with a scene of several entries (and master rows) of its own.
    Scene(Staged),
}

/// The types whose scenes bill through vendors of their own, created for them: in the
/// order their vendors follow the configured ones.
pub(crate) const VENDOR_SCENES: [AnomalyType; 4] = [
    AnomalyType::FictitiousVendor,
    AnomalyType::ShellVendor,
    AnomalyType::DuplicateVendor,
    AnomalyType::ConflictOfInterest,
];

/// How a business case is changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// The invoice is paid a second time.
    Duplicate,
    /// The goods invoice has neither order nor receipt.
    WithoutOrder,
    /// The invoice's price of one item is raised above the order's.
    PriceVariance,
    /// The customer invoice moves before the delivery, to the previous month end.
    EarlyRevenue,
    /// The invoice's price of one item is the order's with two digits swapped.
    Transposed,
    /// The customer invoice moves weeks before the delivery, to a month end.
    BillAndHold,
    /// The purchase order moves after the invoice.
    OrderAfterInvoice,
    /// A late customer payment takes the cash discount.
    UnearnedDiscount,
    /// The order and invoice of one item are priced above its standard cost.
    Kickback,
    /// The order is a rigged tender's, won by the ring's member whose turn it is at a
    /// price above the standard cost.
    BidRigging,
    /// The invoice is posted weeks after its date, in a later month.
    Unrecorded,
    /// The payment goes to an employee's bank account.
    Diverted,
}

impl Change {
    /// Whether the label goes on the duplicate payment (else on the invoice).
    pub(crate) const fn on_duplicate(self) -> bool {
        matches!(self, Change::Duplicate)
    }

    /// Whether the goods movement carries the label too (with the invoice).
    pub(crate) const fn on_movement_too(self) -> bool {
        matches!(self, Change::Kickback | Change::BidRigging)
    }

    /// Whether the label goes on the (first) payment (else on the invoice).
    pub(crate) const fn on_payment(self) -> bool {
        matches!(self, Change::UnearnedDiscount | Change::Diverted)
    }
}

/// How a single manual entry is twisted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Twisted {
    /// Approved by the user who entered it.
    SelfApproval,
    /// Approved by a user whose limit is below its amount.
    AboveLimit,
    /// Entered at night, on a weekend or on a public holiday.
    OffHours,
    /// A large round amount.
    Round,
    /// Cash or bank debited against an expense.
    CashAgainstExpense,
    /// Entered weeks after its posting date.
    Backdated,
    /// Its expense line without a cost center.
    NoCostCenter,
    /// Without a header text.
    NoText,
    /// Its header text with a character lost to an encoding.
    Damaged,
    /// Its header text with a typing error.
    Typo,
    /// Saved without an approval.
    Unapproved,
    /// Entered by a clerk whose role never posts to the general ledger.
    Outsider,
    /// Posted in a later month than its receipt's date.
    WrongPeriod,
    /// Its expense debited to a revenue account.
    Misposted,
    /// An expense moved to a fixed asset account.
    Capitalised,
    /// Revenue credited against receivables of no customer.
    TopSide,
    /// A header text auditors search for.
    Suspicious,
    /// A meal claim padded above any clean one.
    Padded,
    /// An expense claim of someone who has left.
    FormerClaimant,
}

/// A scene of several entries that replaces a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Staged {
    /// Two invoices just below an approval limit.
    SplitPurchase,
    /// An accrual, its reversal and a repost.
    ReversalReposted,
    /// One user's entries against Benford's law.
    Benford,
    /// A vendor of the scene's own billing a service: created for one invoice and paid
    /// at once, a shell, a duplicate, or an employee's interest.
    FictitiousVendor,
    /// A payment diverted through a bank-detail change.
    DivertedPayment,
    /// A case posted twice: a manual reclassification, or an expense claim.
    Duplicate,
    /// An accrual kept, released months later.
    CookieJar,
    /// A manual posting split in two below an approval limit.
    SplitEntry,
    /// An employee's pay sent to another account.
    PayrollDiversion,
    /// Goods stolen and written off with a cycle count.
    InventoryTheft,
    /// A leaver kept on the payroll.
    GhostEmployee,
    /// Two accountants approving each other's entries.
    Collusion,
}

impl AnomalyType {
    /// Whether it replaces its block's business case (else it changes the case).
    pub(crate) const fn standalone(self) -> bool {
        match self.effect() {
            Effect::Change(_) => false,
            Effect::Twist(_) | Effect::Scene(_) => true,
        }
    }
}

/// What a label names besides its type and case: the entries it touched (by index in
/// the run), the documents, the lines (entry index and line number), the payslips and
/// the vendor, customer or employee involved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Touched<'a> {
    pub(crate) entries: &'a [u64],
    pub(crate) documents: &'a [u128],
    pub(crate) lines: &'a [(u64, u32)],
    pub(crate) payslips: Option<synth_model::IdList>,
    pub(crate) partner: Option<u128>,
}

impl Touched<'_> {
    /// Nothing: the fields a label leaves empty.
    pub(crate) const NONE: Touched<'static> = Touched {
        entries: &[],
        documents: &[],
        lines: &[],
        payslips: None,
        partner: None,
    };
}

/// The `anomalies` section: whether and how often irregularities are injected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnomaliesConfig {
    /// Inject labelled anomalies (false: clean books).
    pub enabled: bool,
    /// Share of business cases that carry one (0 to 0.5).
    pub rate: f64,
    /// Relative weight of each type.
    pub weights: AnomalyWeights,
    /// How hard the anomalies are to find: easy, realistic or hard.
    pub difficulty: Difficulty,
    /// The difficulty of single types, where it differs from `difficulty`.
    pub difficulty_by_type: AnomalyDifficulties,
}

impl AnomaliesConfig {
    /// The difficulty of type `t`.
    pub fn level(&self, t: AnomalyType) -> Difficulty {
        self.difficulty_by_type.get(t).unwrap_or(self.difficulty)
    }
}

impl Default for AnomaliesConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            rate: 0.005,
            weights: AnomalyWeights::default(),
            difficulty: Difficulty::Easy,
            difficulty_by_type: AnomalyDifficulties::default(),
        }
    }
}

/// The highest rate accepted.
pub const MAX_RATE: f64 = 0.5;

/// Parts per million in which the rate is kept (exact integer windows).
const PPM: u128 = 1_000_000;

/// Decides which case blocks carry an anomaly and of which type.
#[derive(Debug, Clone)]
pub(crate) struct Selector {
    seed: u64,
    /// Anomalies per million blocks (0: none).
    ppm: u128,
    /// Cumulative normalised weights, per type in [`AnomalyType::ALL`] order.
    cumulative: Vec<f64>,
    /// Phase of the type sequence.
    phase: f64,
}

impl Selector {
    pub fn new(seed: u64, config: &AnomaliesConfig) -> Self {
        let total: f64 = AnomalyType::ALL
            .iter()
            .map(|t| config.weights.get(*t).max(0.0))
            .sum();
        let on = config.enabled && config.rate > 0.0 && total > 0.0;
        let mut acc = 0.0;
        let cumulative = AnomalyType::ALL
            .iter()
            .map(|t| {
                acc += config.weights.get(*t).max(0.0) / total.max(f64::MIN_POSITIVE);
                acc
            })
            .collect();
        let key = record_key(seed, stream::ANOMALY, u64::MAX);
        Self {
            seed,
            ppm: if on {
                ((config.rate.min(MAX_RATE) * PPM as f64).round() as u128).max(1)
            } else {
                0
            },
            cumulative,
            phase: (key >> 11) as f64 / (1u64 << 53) as f64,
        }
    }

    /// Whether any anomaly is injected.
    pub fn enabled(&self) -> bool {
        self.ppm > 0
    }

    /// Bytes the world spends planning the standalone anomalies that reach beyond one
    /// case (fictitious vendors, diverted payments) of a run of `end` entries after
    /// `scheduled` ones: every such window's block is listed, sorted and kept. An upper
    /// bound, from the windows' count and the types' weights, without listing anything.
    pub fn planning_bytes(&self, scheduled: u64, end: u64) -> u64 {
        if !self.enabled() || end < scheduled + 4 {
            return 0;
        }
        let windows = self.window_of((end - scheduled) / 4) + 1;
        let share = |t: AnomalyType| {
            let i = AnomalyType::ALL.iter().position(|x| *x == t).unwrap_or(0);
            self.cumulative[i] - if i == 0 { 0.0 } else { self.cumulative[i - 1] }
        };
        let vendors: f64 = VENDOR_SCENES.iter().map(|t| share(*t)).sum();
        let per_window = vendors * PLANNING_BYTES_FICTITIOUS
            + share(AnomalyType::VendorBankChange) * PLANNING_BYTES_DIVERTED
            + share(AnomalyType::PayrollDiversion) * PLANNING_BYTES_PAYROLL
            + share(AnomalyType::InventoryTheft) * PLANNING_BYTES_THEFT
            + share(AnomalyType::GhostEmployee) * PLANNING_BYTES_GHOST;
        // The sequence of types keeps each type's count within a few of its share.
        ((windows as f64 * per_window) as u64).saturating_add(64 << 10)
    }

    /// The window block `block` is in.
    pub fn window_of(&self, block: u64) -> u64 {
        (u128::from(block) * self.ppm / PPM) as u64
    }

    /// The blocks of window `w`.
    pub fn window(&self, w: u64) -> std::ops::Range<u64> {
        let start = |w: u64| u128::from(w) * PPM;
        let first = start(w).div_ceil(self.ppm) as u64;
        let end = start(w + 1).div_ceil(self.ppm) as u64;
        first..end.max(first + 1)
    }

    /// The type of window `w`'s anomaly (a golden-ratio sequence over the weights).
    pub fn type_of(&self, w: u64) -> AnomalyType {
        const PHI: f64 = 0.618_033_988_749_894_9;
        let x = (w as f64 * PHI + self.phase).fract();
        let i = self.cumulative.partition_point(|c| *c <= x);
        AnomalyType::ALL[i.min(AnomalyType::ALL.len() - 1)]
    }

    /// The block of window `w` a standalone anomaly takes: the first from the drawn one
    /// on whose four entries are all in the run (`scheduled` entries come first, `end`
    /// is the run's count).
    pub fn standalone_block(&self, w: u64, scheduled: u64, end: u64) -> Option<u64> {
        let r = self.window(w);
        let n = r.end - r.start;
        let first = self.first_candidate(w);
        (0..n.min(MAX_TRIES))
            .map(|j| r.start + (first - r.start + j) % n)
            .find(|b| scheduled + b * 4 + 4 <= end)
    }

    /// The blocks that carry a standalone anomaly of type `t`, in order.
    pub fn standalone_blocks(&self, t: AnomalyType, scheduled: u64, end: u64) -> Vec<u64> {
        if !self.enabled() || end < scheduled + 4 {
            return Vec::new();
        }
        let last = (end - scheduled) / 4;
        (0..=self.window_of(last))
            .filter(|w| self.type_of(*w) == t)
            .filter_map(|w| self.standalone_block(w, scheduled, end))
            .collect()
    }

    /// The block of window `w` to try first.
    pub fn first_candidate(&self, w: u64) -> u64 {
        let r = self.window(w);
        let n = r.end - r.start;
        r.start + record_key(self.seed, stream::ANOMALY, w) % n
    }
}

/// Bytes a fictitious-vendor window costs the world's plan: its block, its place by
/// date (sorted), its vendor's index. Measured 26.4 bytes a window (`estimate` at 2 B
/// entries with only that type weighted: 78 MB against 12 MB with anomalies off), with
/// a fifth more as margin.
const PLANNING_BYTES_FICTITIOUS: f64 = 32.0;

/// Bytes a diverted-payment window costs: its block, the planned fraud and the bank
/// account changes around it. Measured 62 bytes a window (166 MB at 2 B entries with
/// only that type weighted), with a sixth more as margin.
const PLANNING_BYTES_DIVERTED: f64 = 72.0;

/// Bytes a payroll-diversion window costs: its block while the blocks are listed, its
/// planned diversion and its employee's entry in the index by employee (computed from
/// their sizes: a test holds it above them).
pub(crate) const PLANNING_BYTES_PAYROLL: f64 = 256.0;

/// Bytes an inventory-theft window costs: its block while the blocks are listed, its
/// planned theft, its place in the index by count and the planning's set of materials
/// taken (computed from their sizes: a test holds it above them).
pub(crate) const PLANNING_BYTES_THEFT: f64 = 160.0;

/// Bytes a ghost-employee window costs: its block while the blocks are listed, its
/// planned ghost, its employee's entry in the index by employee and its clean
/// look-alikes' entries in the set of late vacation payouts (at most five; computed from
/// their sizes: a test holds it above them).
pub(crate) const PLANNING_BYTES_GHOST: f64 = 336.0;

/// How many candidates of a window are tried for a type that needs a particular case.
pub(crate) const MAX_TRIES: u64 = 160;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_tile_the_blocks_and_hold_one_anomaly_each() {
        let c = AnomaliesConfig {
            rate: 0.013,
            ..AnomaliesConfig::default()
        };
        let s = Selector::new(7, &c);
        let mut next = 0;
        for w in 0..2000 {
            let r = s.window(w);
            assert_eq!(r.start, next);
            next = r.end;
            for b in r.clone() {
                assert_eq!(s.window_of(b), w, "block {b}");
            }
            assert!(r.contains(&s.first_candidate(w)));
        }
    }

    #[test]
    fn types_follow_their_weights_closely() {
        let mut c = AnomaliesConfig::default();
        c.weights.round_amount = 3.0;
        c.weights.self_approval = 0.0;
        let s = Selector::new(1, &c);
        let n = 15_000u64;
        let total: f64 = AnomalyType::ALL.iter().map(|t| c.weights.get(*t)).sum();
        for t in AnomalyType::ALL {
            let k = (0..n).filter(|w| s.type_of(*w) == *t).count() as f64;
            let want = n as f64 * c.weights.get(*t) / total;
            assert!((k - want).abs() <= 3.0, "{}: {k} vs {want}", t.name());
        }
    }
}

mod choose;
mod collusion;
mod payroll;
mod scenes;
mod split;
mod stage;
mod stock;
mod vendors;

pub(crate) use choose::{WindowChoice, one_swap_apart};
