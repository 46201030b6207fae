//! The record types, one per table, each with its schema and field visitor.

use crate::{Column, ColumnType as T, Date, FieldVisitor, InlineText, Record, Value};

/// A company code such as `1000`.
pub type CompanyCode = InlineText<8>;
/// An ISO 4217 currency code such as `USD`.
pub type Currency = InlineText<3>;
/// A business partner's name.
pub type PartnerName = InlineText<48>;

fn opt_id(id: Option<u128>) -> Value<'static> {
    id.map_or(Value::Null, Value::Id)
}

/// The header of a journal entry (`journal_entries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalEntry {
    /// Unique id of the entry.
    pub entry_id: u128,
    /// The company that posts it.
    pub company_code: CompanyCode,
    /// Fiscal (calendar) year of the posting date.
    pub fiscal_year: u16,
    /// Fiscal period 1–12 (the month of the posting date).
    pub fiscal_period: u8,
    /// When it was posted.
    pub posting_date: Date,
    /// The date of the business document behind it.
    pub document_date: Date,
    /// SAP-style document type: `KR` vendor invoice, `KZ` vendor payment, `DR`, `DZ`, `SA`, `AA`, `PR`.
    pub document_type: &'static str,
    /// `manual` or `automated`.
    pub source: &'static str,
    /// Who posted it.
    pub user_id: &'static str,
    /// The company's currency; all line amounts are in it.
    pub currency: Currency,
    /// A short description.
    pub header_text: &'static str,
    /// How many lines the entry has.
    pub line_count: u32,
    /// The business document the entry posts, if any.
    pub document_id: Option<u128>,
}

impl Record for JournalEntry {
    const TABLE: &'static str = "journal_entries";
    const SCHEMA: &'static [Column] = &[
        Column::new("entry_id", T::Id),
        Column::new("company_code", T::Text),
        Column::new("fiscal_year", T::Int),
        Column::new("fiscal_period", T::Int),
        Column::new("posting_date", T::Date),
        Column::new("document_date", T::Date),
        Column::new("document_type", T::Text),
        Column::new("source", T::Text),
        Column::new("user_id", T::Text),
        Column::new("currency", T::Text),
        Column::new("header_text", T::Text),
        Column::new("line_count", T::Int),
        Column::nullable("document_id", T::Id),
    ];
    #[inline]
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.entry_id));
        v.field(Value::Text(self.company_code.as_str()));
        v.field(Value::Int(i64::from(self.fiscal_year)));
        v.field(Value::Int(i64::from(self.fiscal_period)));
        v.field(Value::Date(self.posting_date));
        v.field(Value::Date(self.document_date));
        v.field(Value::Static(self.document_type));
        v.field(Value::Static(self.source));
        v.field(Value::Static(self.user_id));
        v.field(Value::Text(self.currency.as_str()));
        v.field(Value::Static(self.header_text));
        v.field(Value::Int(i64::from(self.line_count)));
        v.field(opt_id(self.document_id));
    }
}

/// One line of a journal entry (`journal_lines`): exactly one of debit and credit is non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalLine {
    /// The entry this line belongs to.
    pub entry_id: u128,
    /// 1-based position in the entry.
    pub line_number: u32,
    /// G/L account number (see `accounts`).
    pub account: u32,
    /// Debit in minor units (0 on a credit line).
    pub debit: i64,
    /// Credit in minor units (0 on a debit line).
    pub credit: i64,
    /// Cost center.
    pub cost_center: &'static str,
    /// Vendor or customer id on AP/AR lines.
    pub partner_id: Option<u128>,
    /// A short description.
    pub line_text: &'static str,
}

impl Record for JournalLine {
    const TABLE: &'static str = "journal_lines";
    const SCHEMA: &'static [Column] = &[
        Column::new("entry_id", T::Id),
        Column::new("line_number", T::Int),
        Column::new("account", T::Int),
        Column::new("debit", T::Money),
        Column::new("credit", T::Money),
        Column::new("cost_center", T::Text),
        Column::nullable("partner_id", T::Id),
        Column::new("line_text", T::Text),
    ];
    #[inline]
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.entry_id));
        v.field(Value::Int(i64::from(self.line_number)));
        v.field(Value::Int(i64::from(self.account)));
        v.field(Value::Money(self.debit));
        v.field(Value::Money(self.credit));
        v.field(Value::Static(self.cost_center));
        v.field(opt_id(self.partner_id));
        v.field(Value::Static(self.line_text));
    }
}

/// A G/L account of the chart of accounts (`accounts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Account number.
    pub account: u32,
    /// Account name.
    pub name: &'static str,
    /// `asset`, `liability`, `equity`, `revenue` or `expense`.
    pub account_type: &'static str,
    /// `debit` or `credit`: the side that increases it.
    pub normal_balance: &'static str,
}

impl Record for Account {
    const TABLE: &'static str = "accounts";
    const SCHEMA: &'static [Column] = &[
        Column::new("account", T::Int),
        Column::new("name", T::Text),
        Column::new("account_type", T::Text),
        Column::new("normal_balance", T::Text),
    ];
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Int(i64::from(self.account)));
        v.field(Value::Static(self.name));
        v.field(Value::Static(self.account_type));
        v.field(Value::Static(self.normal_balance));
    }
}

/// A supplier (`vendors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vendor {
    /// Unique id, referenced by `journal_lines.partner_id` and `documents.partner_id`.
    pub vendor_id: u128,
    /// Name.
    pub name: PartnerName,
    /// ISO country code.
    pub country: &'static str,
    /// City.
    pub city: &'static str,
    /// Days until an invoice is due.
    pub payment_terms_days: u16,
}

impl Record for Vendor {
    const TABLE: &'static str = "vendors";
    const SCHEMA: &'static [Column] = &[
        Column::new("vendor_id", T::Id),
        Column::new("name", T::Text),
        Column::new("country", T::Text),
        Column::new("city", T::Text),
        Column::new("payment_terms_days", T::Int),
    ];
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.vendor_id));
        v.field(Value::Text(self.name.as_str()));
        v.field(Value::Static(self.country));
        v.field(Value::Static(self.city));
        v.field(Value::Int(i64::from(self.payment_terms_days)));
    }
}

/// A buyer (`customers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customer {
    /// Unique id, referenced by `journal_lines.partner_id` and `documents.partner_id`.
    pub customer_id: u128,
    /// Name.
    pub name: PartnerName,
    /// ISO country code.
    pub country: &'static str,
    /// City.
    pub city: &'static str,
    /// Credit limit in minor units.
    pub credit_limit: i64,
    /// Days until an invoice is due.
    pub payment_terms_days: u16,
}

impl Record for Customer {
    const TABLE: &'static str = "customers";
    const SCHEMA: &'static [Column] = &[
        Column::new("customer_id", T::Id),
        Column::new("name", T::Text),
        Column::new("country", T::Text),
        Column::new("city", T::Text),
        Column::new("credit_limit", T::Money),
        Column::new("payment_terms_days", T::Int),
    ];
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.customer_id));
        v.field(Value::Text(self.name.as_str()));
        v.field(Value::Static(self.country));
        v.field(Value::Static(self.city));
        v.field(Value::Money(self.credit_limit));
        v.field(Value::Int(i64::from(self.payment_terms_days)));
    }
}

/// A business document of a procure-to-pay or order-to-cash chain (`documents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document {
    /// Unique id.
    pub document_id: u128,
    /// `purchase_order`, `goods_receipt`, `vendor_invoice`, `payment`, `sales_order`,
    /// `customer_invoice` or `receipt`.
    pub document_type: &'static str,
    /// The company.
    pub company_code: CompanyCode,
    /// The vendor or customer.
    pub partner_id: u128,
    /// Date of the document.
    pub document_date: Date,
    /// Total in minor units.
    pub amount: i64,
    /// Currency of the amount.
    pub currency: Currency,
    /// The document before this one in its chain.
    pub reference_document_id: Option<u128>,
    /// The journal entry this document caused, if it caused one.
    pub entry_id: Option<u128>,
    /// Number of items.
    pub item_count: u32,
}

impl Record for Document {
    const TABLE: &'static str = "documents";
    const SCHEMA: &'static [Column] = &[
        Column::new("document_id", T::Id),
        Column::new("document_type", T::Text),
        Column::new("company_code", T::Text),
        Column::new("partner_id", T::Id),
        Column::new("document_date", T::Date),
        Column::new("amount", T::Money),
        Column::new("currency", T::Text),
        Column::nullable("reference_document_id", T::Id),
        Column::nullable("entry_id", T::Id),
        Column::new("item_count", T::Int),
    ];
    #[inline]
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.document_id));
        v.field(Value::Static(self.document_type));
        v.field(Value::Text(self.company_code.as_str()));
        v.field(Value::Id(self.partner_id));
        v.field(Value::Date(self.document_date));
        v.field(Value::Money(self.amount));
        v.field(Value::Text(self.currency.as_str()));
        v.field(opt_id(self.reference_document_id));
        v.field(opt_id(self.entry_id));
        v.field(Value::Int(i64::from(self.item_count)));
    }
}

/// One item of a document (`document_items`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentItem {
    /// The document.
    pub document_id: u128,
    /// 1-based position.
    pub item_number: u32,
    /// What was bought or sold.
    pub description: &'static str,
    /// Quantity.
    pub quantity: i64,
    /// Price per unit in minor units.
    pub unit_price: i64,
    /// quantity × unit_price, in minor units.
    pub amount: i64,
}

impl Record for DocumentItem {
    const TABLE: &'static str = "document_items";
    const SCHEMA: &'static [Column] = &[
        Column::new("document_id", T::Id),
        Column::new("item_number", T::Int),
        Column::new("description", T::Text),
        Column::new("quantity", T::Int),
        Column::new("unit_price", T::Money),
        Column::new("amount", T::Money),
    ];
    #[inline]
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.document_id));
        v.field(Value::Int(i64::from(self.item_number)));
        v.field(Value::Static(self.description));
        v.field(Value::Int(self.quantity));
        v.field(Value::Money(self.unit_price));
        v.field(Value::Money(self.amount));
    }
}

/// A node of the transaction graph: an account or a business partner (`graph_nodes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphNode {
    /// Unique id (a partner's node id is its partner id).
    pub node_id: u128,
    /// `account`, `vendor` or `customer`.
    pub node_type: &'static str,
    /// Account name or partner name.
    pub label: PartnerName,
}

impl Record for GraphNode {
    const TABLE: &'static str = "graph_nodes";
    const SCHEMA: &'static [Column] = &[
        Column::new("node_id", T::Id),
        Column::new("node_type", T::Text),
        Column::new("label", T::Text),
    ];
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.node_id));
        v.field(Value::Static(self.node_type));
        v.field(Value::Text(self.label.as_str()));
    }
}

/// A flow of money between two nodes, derived from a journal entry (`graph_edges`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphEdge {
    /// Where the money comes from (the credited account or the paying partner).
    pub source_node_id: u128,
    /// Where it goes (the debited account or the paid partner).
    pub target_node_id: u128,
    /// The entry it comes from.
    pub entry_id: u128,
    /// Amount in minor units.
    pub amount: i64,
    /// Posting date of the entry.
    pub posting_date: Date,
    /// `posting` (account to account) or `partner` (partner to account or back).
    pub edge_type: &'static str,
}

impl Record for GraphEdge {
    const TABLE: &'static str = "graph_edges";
    const SCHEMA: &'static [Column] = &[
        Column::new("source_node_id", T::Id),
        Column::new("target_node_id", T::Id),
        Column::new("entry_id", T::Id),
        Column::new("amount", T::Money),
        Column::new("posting_date", T::Date),
        Column::new("edge_type", T::Text),
    ];
    #[inline]
    fn visit<V: FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Id(self.source_node_id));
        v.field(Value::Id(self.target_node_id));
        v.field(Value::Id(self.entry_id));
        v.field(Value::Money(self.amount));
        v.field(Value::Date(self.posting_date));
        v.field(Value::Static(self.edge_type));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count<R: Record>(r: &R) -> usize {
        let mut n = 0;
        r.visit(&mut |_: Value<'_>| n += 1);
        n
    }

    #[test]
    fn main_tables_have_the_promised_columns_in_order() {
        let names: Vec<_> = JournalEntry::SCHEMA.iter().map(|c| c.name).collect();
        assert_eq!(
            &names[..11],
            [
                "entry_id",
                "company_code",
                "fiscal_year",
                "fiscal_period",
                "posting_date",
                "document_date",
                "document_type",
                "source",
                "user_id",
                "currency",
                "header_text"
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
            document_type: "SA",
            source: "manual",
            user_id: "U",
            currency: "USD".into(),
            header_text: "h",
            line_count: 2,
            document_id: None,
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
        let g = GraphEdge {
            source_node_id: 1,
            target_node_id: 2,
            entry_id: 3,
            amount: 4,
            posting_date: d,
            edge_type: "posting",
        };
        assert_eq!(count(&g), GraphEdge::SCHEMA.len());
        let i = DocumentItem {
            document_id: 1,
            item_number: 1,
            description: "x",
            quantity: 1,
            unit_price: 1,
            amount: 1,
        };
        assert_eq!(count(&i), DocumentItem::SCHEMA.len());
    }
}
