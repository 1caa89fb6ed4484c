/** @odoo-module **/

// What differs between the tours of Odoo 18.0 and 19.0, decided by the test (tools/compat.py
// TOUR_COOKIES): 19.0 stops a tour whose page unloads unless the step that leaves the page says
// { expectUnloadPage: true }; 18.0 follows the tour across pages by itself and refuses that key.
const EXPECT_UNLOAD = document.cookie.split(/;\s*/).includes("fc_tour_expect_unload=1");

/** The step STEP, which leaves the page (a link, a form, a redirect). */
export function leavingPage(step) {
    return EXPECT_UNLOAD ? { ...step, expectUnloadPage: true } : step;
}

/** After a payment: Odoo's status page, which sends the browser on to the landing page by itself. */
export function paymentStatusPage() {
    return EXPECT_UNLOAD
        ? [
              {
                  content: "Odoo's payment status page, on its way to the landing page",
                  trigger: "div[name=o_payment_status]",
                  expectUnloadPage: true,
              },
          ]
        : [];
}
