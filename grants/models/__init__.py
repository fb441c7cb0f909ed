"""Applications and their lifecycle, reviews, committee decisions, grants and their follow-up.

Split by side, as the views and services are: `apply` (what an association sends), `evaluation`
(reviews, the committee's decisions), `followup` (grants and what follows them).
"""

from .apply import (
    USER,
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    Beneficiaries,
    BudgetLine,
    CoFunder,
    ComplementFile,
    ComplementRequest,
    upload_application_file,
    upload_complement_file,
    upload_receipt,
)
from .evaluation import (
    CommitteeMinutes,
    Consensus,
    Decision,
    ReviewAssignment,
    Score,
    upload_minutes,
)
from .followup import (
    Audit,
    AuditRecommendation,
    FieldVisit,
    FieldVisitFile,
    Grant,
    GrantReport,
    ReportBeneficiaries,
    ReportExpense,
    Tranche,
    upload_expense_receipt,
    upload_visit_file,
)

__all__ = [
    "USER",
    "Application",
    "ApplicationDocument",
    "ApplicationSubmission",
    "Audit",
    "AuditRecommendation",
    "Beneficiaries",
    "BudgetLine",
    "CoFunder",
    "CommitteeMinutes",
    "ComplementFile",
    "ComplementRequest",
    "Consensus",
    "Decision",
    "FieldVisit",
    "FieldVisitFile",
    "Grant",
    "GrantReport",
    "ReportBeneficiaries",
    "ReportExpense",
    "ReviewAssignment",
    "Score",
    "Tranche",
    "upload_application_file",
    "upload_complement_file",
    "upload_expense_receipt",
    "upload_minutes",
    "upload_receipt",
    "upload_visit_file",
]
