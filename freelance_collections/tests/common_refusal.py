"""The base of the bad-input tests: assertRaisesRegex inside Odoo's savepoint, the refused change rolled back."""

from contextlib import contextmanager

from .common import CollectionsCommon


class RefusalCase(CollectionsCommon):
    @contextmanager
    def assertRaisesRegex(self, exception, pattern):
        """As unittest's, inside Odoo's assertRaises savepoint: the refused change is rolled back as
        the failed request would be, so the test can then check that nothing changed."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)
