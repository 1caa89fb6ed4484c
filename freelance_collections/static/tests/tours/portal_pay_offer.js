/** @odoo-module **/

import { registry } from "@web/core/registry";
import { leavingPage, paymentStatusPage } from "./tour_compat";

// A portal client opens its 50/50 invoice with a 2% early-payment offer (1,000.00: 980.00 until the
// deadline, two installments of 500.00, 490.00 each when paid early) and pays the whole discounted
// amount with the demo provider. Data: freelance_collections/tests/test_portal_tour.py.
registry.category("web_tour.tours").add("freelance_collections_portal_pay_offer", {
    steps: () => [
        {
            content: "My invoices: the next installment, discounted",
            trigger: "tr:has(td > a[href*='/my/invoices/']:not(.btn)):contains('490.00')",
        },
        leavingPage({
            content: "Open the invoice",
            trigger: "td > a[href*='/my/invoices/']:not(.btn)",
            run: "click",
        }),
        {
            content: "The collections panel shows the offer: pay 980.00, save 20.00",
            trigger: "#invoice_collections .alert-success:contains('Early-payment offer'):contains('980.00'):contains('20.00')",
        },
        {
            content: "with a countdown to its deadline",
            trigger: "#invoice_collections .o_collections_offer_countdown:contains('10 days left')",
        },
        {
            content: "and the two installments",
            trigger: "#invoice_collections tr:contains('Upfront deposit (50%)'):contains('500.00')",
        },
        {
            trigger: "#invoice_collections tr:contains('Before final delivery (50%)'):contains('500.00')",
        },
        {
            content: "Odoo's sidebar proposes the next installment, discounted",
            trigger: ".o_portal_invoice_sidebar h4[name=installment_amount]:contains('490.00')",
        },
        {
            content: "Pay now",
            trigger: ".o_portal_invoice_sidebar a[data-bs-target='#pay_with']",
            run: "click",
        },
        {
            content: "The installment tab: the deposit, discounted",
            trigger: "#pay_with #o_payment_installments_tab:contains('490.00')",
        },
        {
            content: "The full amount tab: the discounted total, not 1,000.00",
            trigger: "#pay_with #o_payment_full_tab:contains('980.00')",
            run: "click",
        },
        {
            content: "says the discount is applied",
            trigger: "#pay_with #o_payment_full .alert-success:contains('Early Payment Discount'):contains('20.00')",
        },
        {
            trigger: "#pay_with #o_payment_full:contains('980.00')",
        },
        {
            content: "Choose the demo provider",
            trigger: "#pay_with input[name=o_payment_radio][data-payment-method-code=demo]",
            run: "click",
        },
        {
            content: "Test card",
            trigger: "#pay_with input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        leavingPage({
            content: "Pay",
            trigger: "#pay_with button[name=o_payment_submit_button]:not(:disabled)",
            run: "click",
        }),
        ...paymentStatusPage(),
        {
            content: "Back on the invoice, paid",
            trigger: ".o_portal_invoice_sidebar .badge:contains('Paid')",
            timeout: 30000,
        },
    ],
});
