"""Joint risk alerts: a member's customs publishes what partners should look at, and for how long."""

from ledger.alerts.errors import AlertNotFound, NotAlertOwner
from ledger.alerts.models import Alert, AlertScope, AlertState, Extension, Severity
from ledger.alerts.registry import AlertRegistryBinding

__all__ = [
    "Alert",
    "AlertNotFound",
    "AlertRegistryBinding",
    "AlertScope",
    "AlertState",
    "Extension",
    "NotAlertOwner",
    "Severity",
]
