//! The record types, one per table, each declared once with [`record!`]: its schema and
//! field visitor follow. Money fields are `i64` minor units (cents) in memory and are
//! written with two decimals.

use crate::{Date, InlineText, record};

/// A company code such as `1000`.
pub type CompanyCode = InlineText<32>;
/// An ISO 4217 currency code such as `USD`.
pub type Currency = InlineText<3>;
/// A business partner's name.
pub type PartnerName = InlineText<48>;

record! {
    /// The header of a journal entry (`journal_entries`).
    pub struct JournalEntry in "journal_entries" {
        /// Unique id of the entry.
        entry_id: u128,
        /// The company that posts it.
        company_code: CompanyCode,
        /// Fiscal (calendar) year of the posting date.
        fiscal_year: u16,
        /// Fiscal period 1–12 (the month of the posting date).
        fiscal_period: u8,
        /// When it was posted.
        posting_date: Date,
        /// The date of the business document behind it.
        document_date: Date,
        /// SAP-style document type: `KR` vendor invoice, `KZ` vendor payment, `DR`, `DZ`, `SA`, `AA`, `PR`.
        document_type: &'static str,
        /// `manual` or `automated`.
        source: &'static str,
        /// Who posted it.
        user_id: &'static str,
        /// The company's currency; all line amounts are in it.
        currency: Currency,
        /// A short description.
        header_text: &'static str,
        /// How many lines the entry has.
        line_count: u32,
        /// The business document the entry posts, if any.
        document_id: Option<u128>,
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
        /// Cost center.
        cost_center: &'static str,
        /// Vendor or customer id on AP/AR lines.
        partner_id: Option<u128>,
        /// A short description.
        line_text: &'static str,
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
        /// `debit` or `credit`: the side that increases it.
        normal_balance: &'static str,
    }
}

record! {
    /// A supplier (`vendors`).
    pub struct Vendor in "vendors" {
        /// Unique id, referenced by `journal_lines.partner_id` and `documents.partner_id`.
        vendor_id: u128,
        /// Name.
        name: PartnerName,
        /// ISO country code.
        country: &'static str,
        /// City.
        city: &'static str,
        /// Days until an invoice is due.
        payment_terms_days: u16,
    }
}

record! {
    /// A buyer (`customers`).
    pub struct Customer in "customers" {
        /// Unique id, referenced by `journal_lines.partner_id` and `documents.partner_id`.
        customer_id: u128,
        /// Name.
        name: PartnerName,
        /// ISO country code.
        country: &'static str,
        /// City.
        city: &'static str,
        /// Credit limit.
        credit_limit: i64 as Money,
        /// Days until an invoice is due.
        payment_terms_days: u16,
    }
}

record! {
    /// A business document of a procure-to-pay or order-to-cash chain (`documents`).
    pub struct Document in "documents" {
        /// Unique id.
        document_id: u128,
        /// `purchase_order`, `goods_receipt`, `vendor_invoice`, `payment`, `sales_order`,
        /// `customer_invoice` or `receipt`.
        document_type: &'static str,
        /// The company.
        company_code: CompanyCode,
        /// The vendor or customer.
        partner_id: u128,
        /// Date of the document.
        document_date: Date,
        /// Total, in `currency`.
        amount: i64 as Money,
        /// Currency of the amount.
        currency: Currency,
        /// The document before this one in its chain.
        reference_document_id: Option<u128>,
        /// The journal entry this document caused, if it caused one.
        entry_id: Option<u128>,
        /// Number of items.
        item_count: u32,
    }
}

record! {
    /// One item of a document (`document_items`).
    pub struct DocumentItem in "document_items" {
        /// The document.
        document_id: u128,
        /// 1-based position.
        item_number: u32,
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
