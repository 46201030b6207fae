//! The list of tables: every table is one line here, and everything per table (its
//! [`Table`] name, the vectors of a [`Batch`] or of [`MasterTables`], visiting them, the
//! sinks the runtime opens, estimates, manifests, the schema listing) follows from it.
//!
//! To add a table: declare its record with [`crate::record!`], add one line below, and
//! write the generator code that fills its vector.

use crate::records::Currency;
use crate::{Column, Record};
use std::ops::{Index, IndexMut, Range};

/// A partner line (receivable or payable) of an entry whose document is in another
/// currency than the company's: the line's amount in the document's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignAmount {
    /// The entry the line belongs to.
    pub entry_id: u128,
    /// The document's currency.
    pub currency: Currency,
    /// The line's amount in it, in minor units: debit positive, credit negative.
    pub amount: i64,
}

/// When a table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TablePhase {
    /// Master data: written whole, first.
    Master,
    /// Streamed in batches of cases.
    Stream,
}

/// Which part of a configuration switches a table on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableGroup {
    /// Always written.
    Core,
    /// Written when business documents are on.
    Documents,
    /// Written when the transaction graph is on.
    Graph,
}

/// Receives the rows of each table of a [`Batch`] or [`MasterTables`], with their type.
pub trait TableVisitor {
    /// What a visit can fail with.
    type Error;
    /// Called once per table of the set, in the order of [`Table::ALL`], empty or not.
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), Self::Error>;
}

macro_rules! tables {
    (
        master $(#[$mdoc:meta])* $master:ident {
            $( $(#[$mm:meta])* $mvar:ident $mfield:ident: $mrec:ty, $mgroup:ident; )*
        }
        stream $(#[$sdoc:meta])* $stream:ident {
            $( $(#[$sm:meta])* $svar:ident $sfield:ident: $srec:ty, $sgroup:ident; )*
        }
    ) => {
        /// A table of the output. Deliberately exhaustive: a `match` over it lists every
        /// table, so a new one is a compile error wherever it must be handled.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Table {
            $( $(#[$mm])* $mvar, )*
            $( $(#[$sm])* $svar, )*
        }

        impl Table {
            /// Every table, in the order they are written.
            pub const ALL: &'static [Table] = &[$(Table::$mvar,)* $(Table::$svar,)*];
            /// How many tables there are.
            pub const COUNT: usize = Self::ALL.len();

            /// The table's name (file name stem).
            pub const fn name(self) -> &'static str {
                match self {
                    $( Table::$mvar => <$mrec as Record>::TABLE, )*
                    $( Table::$svar => <$srec as Record>::TABLE, )*
                }
            }

            /// The table's columns.
            pub const fn schema(self) -> &'static [Column] {
                match self {
                    $( Table::$mvar => <$mrec as Record>::SCHEMA, )*
                    $( Table::$svar => <$srec as Record>::SCHEMA, )*
                }
            }

            /// Bytes of one record in memory (records own no heap).
            pub const fn record_bytes(self) -> usize {
                match self {
                    $( Table::$mvar => size_of::<$mrec>(), )*
                    $( Table::$svar => size_of::<$srec>(), )*
                }
            }

            /// When the table is written.
            pub const fn phase(self) -> TablePhase {
                match self {
                    $( Table::$mvar => TablePhase::Master, )*
                    $( Table::$svar => TablePhase::Stream, )*
                }
            }

            /// What switches the table on.
            pub const fn group(self) -> TableGroup {
                match self {
                    $( Table::$mvar => TableGroup::$mgroup, )*
                    $( Table::$svar => TableGroup::$sgroup, )*
                }
            }
        }

        $(#[$mdoc])*
        #[derive(Debug, Default, Clone, PartialEq)]
        pub struct $master {
            $( $(#[$mm])* pub $mfield: Vec<$mrec>, )*
        }

        impl $master {
            /// Calls `visitor.rows` with every table of the set, in order.
            pub fn visit<V: TableVisitor>(&self, visitor: &mut V) -> Result<(), V::Error> {
                $( visitor.rows(Table::$mvar, &self.$mfield)?; )*
                Ok(())
            }

            /// Rows of `table` held (0 for a table this set does not hold).
            pub fn rows(&self, table: Table) -> usize {
                match table {
                    $( Table::$mvar => self.$mfield.len(), )*
                    _ => 0,
                }
            }

            /// Bytes the set holds on the heap (its vectors' capacity).
            pub fn heap_bytes(&self) -> usize {
                0 $( + self.$mfield.capacity() * size_of::<$mrec>() )*
            }
        }

        $(#[$sdoc])*
        #[derive(Debug, Default, Clone, PartialEq)]
        pub struct $stream {
            /// The case indices this batch holds.
            pub range: Range<u64>,
            $( $(#[$sm])* pub $sfield: Vec<$srec>, )*
            /// The partner lines of these entries whose document is in another currency
            /// than the company's, with their amount in it (not written: what a month-end
            /// revaluation revalues).
            pub foreign: Vec<ForeignAmount>,
        }

        impl $stream {
            /// An empty batch with room for `capacity[t]` rows of each table `t`.
            pub fn with_capacities(capacity: &PerTable<usize>) -> Self {
                Self {
                    range: 0..0,
                    $( $sfield: Vec::with_capacity(capacity[Table::$svar]), )*
                    foreign: Vec::new(),
                }
            }

            /// Empties the batch, keeping its capacity.
            pub fn clear(&mut self) {
                self.range = 0..0;
                $( self.$sfield.clear(); )*
                self.foreign.clear();
            }

            /// Calls `visitor.rows` with every table of the batch, in order.
            pub fn visit<V: TableVisitor>(&self, visitor: &mut V) -> Result<(), V::Error> {
                $( visitor.rows(Table::$svar, &self.$sfield)?; )*
                Ok(())
            }

            /// Rows of `table` held (0 for a table a batch does not hold).
            pub fn rows(&self, table: Table) -> usize {
                match table {
                    $( Table::$svar => self.$sfield.len(), )*
                    _ => 0,
                }
            }

            /// Rows of every table.
            pub fn record_count(&self) -> usize {
                0 $( + self.$sfield.len() )*
            }

            /// Bytes this batch holds on the heap (its capacity, not its length).
            pub fn heap_bytes(&self) -> usize {
                0 $( + self.$sfield.capacity() * size_of::<$srec>() )*
                    + self.foreign.capacity() * size_of::<ForeignAmount>()
            }
        }
    };
}

use crate::master::*;
use crate::records::*;

tables! {
    master
    /// Master data: every master table, whole.
    MasterTables {
        /// The companies.
        Companies companies: Company, Core;
        /// The chart of accounts.
        Accounts accounts: Account, Core;
        /// Tax codes and rates of the companies' countries.
        TaxCodes tax_codes: TaxCode, Core;
        /// Cost centers.
        CostCenters cost_centers: CostCenter, Core;
        /// Users and batch jobs, with approval limits.
        Users users: User, Core;
        /// Vendors (in the generator's index order; the files list them by creation date).
        Vendors vendors: Vendor, Core;
        /// Changes of vendors' bank accounts, by date.
        VendorBankChanges vendor_bank_changes: VendorBankChange, Core;
        /// Customers, in index order.
        Customers customers: Customer, Core;
        /// Materials.
        Materials materials: Material, Core;
        /// Employees.
        Employees employees: Employee, Core;
        /// Changes of employees' bank accounts, by date.
        EmployeeBankChanges employee_bank_changes: EmployeeBankChange, Core;
        /// Fixed assets.
        FixedAssets fixed_assets: FixedAsset, Core;
        /// Exchange rates of every weekday, to each company's currency.
        FxRates fx_rates: FxRate, Core;
        /// Graph nodes: every account, vendor and customer.
        GraphNodes nodes: GraphNode, Graph;
    }
    stream
    /// Every record caused by one contiguous range of case indices: entries, their lines
    /// (one flat vector), their documents and items, and the graph edges they imply.
    ///
    /// Batches are refilled in place; once their vectors have grown to a run's needs,
    /// refilling allocates nothing.
    Batch {
        /// Journal entry headers, one per case index.
        JournalEntries entries: JournalEntry, Core;
        /// All lines of those entries, in entry order.
        JournalLines lines: JournalLine, Core;
        /// Documents caused by the entries.
        Documents documents: Document, Documents;
        /// Items of those documents.
        DocumentItems items: DocumentItem, Documents;
        /// Bids of the tenders that purchase orders of goods above a company's limit
        /// are awarded by.
        Quotations quotations: Quotation, Documents;
        /// Graph edges derived from the entries.
        GraphEdges edges: GraphEdge, Graph;
        /// Payslips of the payroll runs among the entries.
        Payslips payslips: Payslip, Core;
        /// Expense claims of the expense-claim entries among the entries.
        ExpenseClaims claims: ExpenseClaim, Core;
        /// Monthly bank statements, each with the last scheduled entry of its month.
        BankStatements bank_statements: BankStatement, Core;
        /// Bank statement lines, one per bank line of the entries, with its entry.
        BankStatementLines bank_lines: BankStatementLine, Core;
        /// Stock movements of the goods movements, counts and opening stock among the
        /// entries, with their entry.
        StockMovements stock: StockMovement, Core;
        /// Intercompany documents: the service charges between group companies and
        /// their payments, with each side's entry.
        Intercompany intercompany: IntercompanyDocument, Core;
        /// Labels of the injected irregularities (empty when anomalies are off).
        Anomalies anomalies: Anomaly, Core;
    }
}

impl Table {
    /// The table called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Table> {
        Self::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// Position in [`Table::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One value per table, looked up by [`Table`] (never by position).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerTable<T>([T; Table::COUNT]);

impl<T> PerTable<T> {
    /// A value for each table from `f`.
    pub fn from_fn(mut f: impl FnMut(Table) -> T) -> Self {
        Self(std::array::from_fn(|i| f(Table::ALL[i])))
    }

    /// Each table with its value, in the order of [`Table::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Table, &T)> {
        Table::ALL.iter().copied().zip(&self.0)
    }
}

impl<T: Default> Default for PerTable<T> {
    fn default() -> Self {
        Self::from_fn(|_| T::default())
    }
}

impl<T> Index<Table> for PerTable<T> {
    type Output = T;
    fn index(&self, table: Table) -> &T {
        &self.0[table.index()]
    }
}

impl<T> IndexMut<Table> for PerTable<T> {
    fn index_mut(&mut self, table: Table) -> &mut T {
        &mut self.0[table.index()]
    }
}

/// Headroom of a new batch over the expected rows, so that batches never grow: a batch
/// of 4 096 entries holds 7.8 lines an entry with a standard deviation of 9% (the long
/// tail of cost allocations), so 50% is more than five deviations.
const BATCH_HEADROOM: f64 = 1.5;

impl Batch {
    /// An empty batch with room for `cases` journal entries; other tables grow as needed.
    pub fn with_capacity(cases: usize) -> Self {
        Self::with_rows_per_case(
            cases,
            &PerTable::from_fn(|t| f64::from(t == Table::JournalEntries)),
        )
    }

    /// An empty batch sized for `cases` cases yielding `per_case[t]` rows of each table
    /// (measured by the generator), with 25% headroom.
    pub fn with_rows_per_case(cases: usize, per_case: &PerTable<f64>) -> Self {
        Self::with_capacities(&Self::capacities(cases, per_case))
    }

    fn capacities(cases: usize, per_case: &PerTable<f64>) -> PerTable<usize> {
        PerTable::from_fn(|t| match per_case[t] {
            r if r > 0.0 => (cases as f64 * BATCH_HEADROOM * r) as usize + 256,
            _ => 0,
        })
    }

    /// Bytes a batch made by [`Batch::with_rows_per_case`] allocates (its capacity).
    pub fn capacity_bytes(cases: usize, per_case: &PerTable<f64>) -> usize {
        Self::capacities(cases, per_case)
            .iter()
            .map(|(t, c)| c * t.record_bytes())
            .sum()
    }

    /// Bytes a full batch of `cases` cases touches: its expected rows, without the
    /// headroom of its capacity (what RSS sees).
    pub fn touched_bytes(cases: usize, per_case: &PerTable<f64>) -> usize {
        per_case
            .iter()
            .map(|(t, r)| (cases as f64 * r * t.record_bytes() as f64) as usize)
            .sum()
    }
}
