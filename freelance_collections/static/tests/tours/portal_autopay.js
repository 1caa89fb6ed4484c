/** @odoo-module **/

import { registry } from "@web/core/registry";
import { leavingPage, paymentStatusPage } from "./tour_compat";

// A portal client saves a card with the demo provider on Odoo's "Payment methods" page, then turns
// autopay on from "Automatic payments": refused without the consent ticked, on with it.
// Data: freelance_collections/tests/test_autopay_tour.py.
registry.category("web_tour.tours").add("freelance_collections_portal_autopay", {
    steps: () => [
        {
            content: "Payment methods: choose the demo provider",
            trigger: "input[name=o_payment_radio][data-payment-method-code=demo]",
            run: "click",
        },
        {
            content: "Test card",
            trigger: "input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        leavingPage({
            content: "Save it",
            trigger: "button[name=o_payment_submit_button]:not(:disabled)",
            run: "click",
        }),
        ...paymentStatusPage(),
        {
            content: "Back on the payment methods: the card is saved",
            trigger: "input[name=o_payment_radio][data-payment-option-type=token]:not(:visible)",
            timeout: 30000,
        },
        leavingPage({
            content: "Go to the portal's home",
            trigger: ".breadcrumb a[href='/my/home']",
            run: "click",
        }),
        leavingPage({
            content: "Automatic payments",
            trigger: "a[href='/my/autopay']",
            run: "click",
        }),
        {
            content: "The consent names the amounts and the days",
            trigger: ".o_collection_autopay_consent_text:contains('due date'):contains('3 days before'):contains('1, 3, 7')",
        },
        {
            content: "Choose the card",
            trigger: "input[name=token_id]",
            run: "click",
        },
        leavingPage({
            content: "Turn autopay on without accepting",
            trigger: "button[name=o_collection_autopay_enable]",
            run: "click",
        }),
        {
            content: "Refused: the consent is missing",
            trigger: ".o_collection_autopay_error:contains('Tick the box')",
        },
        {
            trigger: "input[name=token_id]",
            run: "click",
        },
        {
            content: "Accept the charges",
            trigger: "#o_collection_autopay_consent",
            run: "click",
        },
        leavingPage({
            trigger: "button[name=o_collection_autopay_enable]",
            run: "click",
        }),
        {
            content: "Autopay is on",
            trigger: ".o_collection_autopay_on:contains('Autopay is on')",
        },
    ],
});

// The back office shows it on the client's Collections tab.
registry.category("web_tour.tours").add("freelance_collections_backoffice_autopay", {
    steps: () => [
        {
            content: "The client's Collections tab",
            trigger: ".o_notebook_headers a:contains('Collections')",
            run: "click",
        },
        {
            content: "Autopay with the saved card, and the consent",
            trigger: "div[name=collection_autopay_token_id] input",
            run(helpers) {
                const value = (helpers && helpers.anchor ? helpers.anchor : this.anchor).value;
                if (!value.includes("4242")) {
                    console.error(`The client's autopay card is not shown: "${value}"`);
                }
            },
        },
        {
            trigger: "div[name=collection_autopay_consent]:contains('I authorise')",
        },
    ],
});
