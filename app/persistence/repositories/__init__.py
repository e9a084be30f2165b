"""One SQL repository per concept; app.services.context declares the Protocol each implements."""

from .catalog import SqlCatalogRepository
from .counters import SqlCounterRepository
from .customers import SqlCustomerRepository
from .drafts import SqlDraftRepository
from .orders import SqlOrderRepository
from .outbox import SqlOutboxRepository
from .prints import SqlPrintRepository
from .refunds import SqlRefundRepository
from .settings import SqlSettingsRepository
from .shifts import SqlShiftRepository
from .staff import SqlAuditRepository, SqlStaffRepository

__all__ = ["SqlCatalogRepository", "SqlCounterRepository", "SqlCustomerRepository", "SqlDraftRepository",
           "SqlOrderRepository", "SqlOutboxRepository", "SqlPrintRepository", "SqlRefundRepository",
           "SqlSettingsRepository", "SqlShiftRepository", "SqlStaffRepository", "SqlAuditRepository"]
