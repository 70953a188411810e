"""What the demo world contains: its stacks, functions, versions and aliases, in one place.

The seed builds from this, the history and the traffic generator use the same names, and tests
(and anyone writing UI tests against the demo world) can import the constants instead of
repeating string literals. Everything here is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACCOUNT = "123456789012"
REGION = "us-east-1"

THUMBNAILS_STACK = "thumbnails-prod"
ORDERS_STACK = "orders-prod"
REPORTS_STACK = "reports-prod"
#: The nested stack's name is `<parent>-<logical id>-<12 characters>`, as CloudFormation makes it.
REPORTS_NESTED_LOGICAL_ID = "SharedStorage"
#: The stack whose last deploy failed and rolled back.
FAILED_STACK = ORDERS_STACK
FAILED_STACK_STATUS = "UPDATE_ROLLBACK_COMPLETE"

SHOW_FORM = "thumbnails-prod-show-form"
SIGN_UPLOAD = "thumbnails-prod-sign-upload"
CONVERT_FILE = "thumbnails-prod-convert-file"
ORDERS_API = "orders-prod-api"
ORDERS_WORKER = "orders-prod-worker"
SALES_REPORT = "reports-prod-generate"

#: The function with a canary alias (live: version 4, 10% on version 5).
CANARY_FUNCTION = CONVERT_FILE
#: The incident the demo world is in at start-up: the worker's newest version (its alias moved
#: to it INCIDENT_MINUTES_AGO, with the promotion it was written for) fails every batch that
#: holds an order of several items, so its queue backs up and its dead-letter queue fills.
INCIDENT_FUNCTION = ORDERS_WORKER
INCIDENT_MINUTES_AGO = 21.0
#: Orders per hour grow this much when the promotion starts (a minute after the deploy).
PROMOTION_FACTOR = 6.0
#: Logical ids of the orders stack's queues (the worker's event source and its dead letters).
ORDERS_QUEUE = "OrdersQueue"
ORDERS_DEAD_LETTER_QUEUE = "OrdersDeadLetterQueue"
#: The function that logs Powertools-style JSON with LoggingConfig.LogFormat = JSON.
JSON_FUNCTION = ORDERS_WORKER
#: The function with a reserved concurrency (the others are unreserved).
RESERVED_FUNCTION = ORDERS_WORKER
#: The function whose alias has a provisioned concurrency config.
PROVISIONED_FUNCTION = ORDERS_API

IMAGE_MAGICK_LAYER = "image-magick"


@dataclass(frozen=True)
class VersionSpec:
    """One published version: what changed, when it was deployed, and its build switches."""

    description: str
    days_ago: float
    label: str
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    stack: str
    logical_id: str
    app: str  # directory under stackview/demo/handlers
    module: str  # handler module; the handler is `<module>.handler`
    extra_modules: tuple[str, ...] = ()
    memory_mb: int = 128
    timeout_s: int = 3
    json_logs: bool = False
    versions: tuple[VersionSpec, ...] = ()
    alias: str | None = None
    alias_version: str | None = None
    canary_version: str | None = None
    canary_weight: float = 0.0
    reserved: int | None = None
    provisioned: int | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def handler(self) -> str:
        return f"{self.module}.handler"

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.name}"

    @property
    def routing(self) -> dict[str, float]:
        """The alias' AdditionalVersionWeights (empty when not a canary)."""
        return {self.canary_version: self.canary_weight} if self.canary_version else {}


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        SHOW_FORM, THUMBNAILS_STACK, "ShowFormFunction", "thumbnails", "show_form",
        versions=(
            VersionSpec("Upload form", 41, "1.0.0"),
            VersionSpec("Form posts to the signing API instead of the bucket", 23, "1.1.0"),
            VersionSpec("Cache the page for a minute", 6, "1.2.0"),
        ),
        alias="live", alias_version="3",
    ),
    FunctionSpec(
        SIGN_UPLOAD, THUMBNAILS_STACK, "SignUploadFunction", "thumbnails", "sign_upload",
        memory_mb=256,
        versions=(
            VersionSpec("Pre-signed PUT grants", 41, "1.0.0"),
            VersionSpec("Pre-signed POST with a content-length-range condition", 23, "1.1.0"),
            VersionSpec("Allow GIF uploads", 6, "1.2.0"),
        ),
        alias="live", alias_version="3",
    ),
    FunctionSpec(
        CONVERT_FILE, THUMBNAILS_STACK, "ConvertFileFunction", "thumbnails", "convert_file",
        extra_modules=("image_tools", "build_info"), memory_mb=1024, timeout_s=30,
        versions=(
            VersionSpec("Initial converter: JPEG and PNG thumbnails, 300 px wide", 41, "1.0.0"),
            VersionSpec("Keep the aspect ratio of portrait images", 30, "1.1.0"),
            VersionSpec("Strip EXIF metadata from thumbnails", 23, "1.2.0"),
            VersionSpec("Timeout raised to 30 s for large uploads; conversion timings logged", 6,
                        "1.4.0"),
            VersionSpec("Faster colour conversion for CMYK scans (canary)", 0.008, "1.5.0",
                        ("cmyk-fast-path",)),
        ),
        alias="live", alias_version="4", canary_version="5", canary_weight=0.1,
    ),
    FunctionSpec(
        ORDERS_API, ORDERS_STACK, "ApiFunction", "orders", "orders_api",
        memory_mb=512, timeout_s=10,
        versions=(
            VersionSpec("Orders API", 17, "2.3.0"),
            VersionSpec("List a customer's orders (GET /orders?customerId=)", 3, "2.4.0"),
        ),
        alias="live", alias_version="2", provisioned=2,
    ),
    FunctionSpec(
        ORDERS_WORKER, ORDERS_STACK, "WorkerFunction", "orders", "orders_worker",
        memory_mb=256, timeout_s=10, json_logs=True, reserved=5,
        versions=(
            VersionSpec("Fulfilment worker", 17, "2.3.0"),
            VersionSpec("Partial batch responses: a malformed message no longer fails its batch",
                        9, "2.3.1"),
            VersionSpec("Bundle discount: 5% off orders of two items or more (winter promotion)",
                        INCIDENT_MINUTES_AGO / 1440, "2.4.0", ("bundle-discount",)),
        ),
        alias="live", alias_version="3",
    ),
    FunctionSpec(
        SALES_REPORT, REPORTS_STACK, "GenerateReportFunction", "reports", "sales_report",
        memory_mb=256,
    ),
)

BY_NAME: dict[str, FunctionSpec] = {spec.name: spec for spec in FUNCTIONS}


@dataclass(frozen=True)
class StackSpec:
    name: str
    template: str  # file in stackview/demo/seed/templates
    parameters: dict[str, str]
    tags: dict[str, str]
    created_days_ago: float
    nested: dict[str, str] = field(default_factory=dict)  # logical id -> child template


STACKS: tuple[StackSpec, ...] = (
    StackSpec(
        THUMBNAILS_STACK, "thumbnails.yaml",
        {"AppStage": "api", "ContactEmailAddress": "ops-alerts@example.com", "ThumbnailWidth": "300",
         "UploadLimitInMb": "5"},
        {"app": "thumbnails", "stage": "prod", "owner": "media-team"},
        created_days_ago=41,
    ),
    StackSpec(
        ORDERS_STACK, "orders.yaml",
        {"Stage": "prod", "WorkerConcurrency": "5", "LogLevel": "INFO",
         "PaymentsApiKey": "pk_live_51Hx9demoOnlyNotARealKey", "PaymentLimit": "900"},
        {"app": "orders", "stage": "prod", "owner": "checkout-team", "cost-center": "cc-4120"},
        created_days_ago=17,
    ),
    StackSpec(
        REPORTS_STACK, "reports.yaml",
        {"Stage": "prod", "ReportSchedule": "rate(5 minutes)", "OrdersStackName": ORDERS_STACK},
        {"app": "reports", "stage": "prod", "owner": "finance-data"},
        created_days_ago=12,
        nested={REPORTS_NESTED_LOGICAL_ID: "reports_storage.yaml"},
    ),
)
