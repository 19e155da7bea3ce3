"""Contains all the data models used in inputs/outputs"""

from .action_enum import ActionEnum
from .audit_actor import AuditActor
from .audit_entry import AuditEntry
from .audit_entry_changes import AuditEntryChanges
from .audit_list_action import AuditListAction
from .availability import Availability
from .available_slot import AvailableSlot
from .blank_enum import BlankEnum
from .book_session_request import BookSessionRequest
from .by_enum import ByEnum
from .cancel_request import CancelRequest
from .chair import Chair
from .chair_impact import ChairImpact
from .chair_request import ChairRequest
from .check_entry import CheckEntry
from .check_item import CheckItem
from .check_item_status_enum import CheckItemStatusEnum
from .check_override import CheckOverride
from .check_override_covers import CheckOverrideCovers
from .checks_record_request import ChecksRecordRequest
from .clinic import Clinic
from .clinic_impact import ClinicImpact
from .clinic_request import ClinicRequest
from .clock_format_enum import ClockFormatEnum
from .closure import Closure
from .closure_impact import ClosureImpact
from .closure_request import ClosureRequest
from .complete_request import CompleteRequest
from .course_review import CourseReview
from .course_review_decision_request import CourseReviewDecisionRequest
from .cycle import Cycle
from .cycle_book_request import CycleBookRequest
from .cycle_cancel_request import CycleCancelRequest
from .cycle_status_enum import CycleStatusEnum
from .cycles_list_status_item import CyclesListStatusItem
from .decision_enum import DecisionEnum
from .dry_run_delete import DryRunDelete
from .entry import Entry
from .entry_create_request import EntryCreateRequest
from .entry_kind_enum import EntryKindEnum
from .entry_status_enum import EntryStatusEnum
from .episode import Episode
from .episode_book_request import EpisodeBookRequest
from .episode_cancel_request import EpisodeCancelRequest
from .episode_proposals import EpisodeProposals
from .episode_remove_request import EpisodeRemoveRequest
from .episode_review_request import EpisodeReviewRequest
from .episode_status_enum import EpisodeStatusEnum
from .episode_visit_choice_request import EpisodeVisitChoiceRequest
from .episode_visit_mode_enum import EpisodeVisitModeEnum
from .episode_visit_status_enum import EpisodeVisitStatusEnum
from .episodes_list_status_item import EpisodesListStatusItem
from .error import Error
from .error_details import ErrorDetails
from .instrument import Instrument
from .instrument_band import InstrumentBand
from .instrument_scale_option import InstrumentScaleOption
from .maintenance import Maintenance
from .maintenance_request import MaintenanceRequest
from .make_up_request import MakeUpRequest
from .measure_create_request import MeasureCreateRequest
from .measure_score import MeasureScore
from .measure_series import MeasureSeries
from .named_ref import NamedRef
from .notice import Notice
from .notice_details import NoticeDetails
from .offer import Offer
from .offer_create_request import OfferCreateRequest
from .offer_sessions_item import OfferSessionsItem
from .offer_status_enum import OfferStatusEnum
from .opening_hours import OpeningHours
from .opening_hours_request import OpeningHoursRequest
from .paginated_audit_entry_list import PaginatedAuditEntryList
from .paginated_chair_list import PaginatedChairList
from .paginated_clinic_list import PaginatedClinicList
from .paginated_closure_list import PaginatedClosureList
from .paginated_cycle_list import PaginatedCycleList
from .paginated_entry_list import PaginatedEntryList
from .paginated_episode_list import PaginatedEpisodeList
from .paginated_instrument_list import PaginatedInstrumentList
from .paginated_patient_list import PaginatedPatientList
from .paginated_protocol_list import PaginatedProtocolList
from .paginated_pump_list import PaginatedPumpList
from .paginated_pump_protocol_list import PaginatedPumpProtocolList
from .paginated_reminder_list import PaginatedReminderList
from .paginated_session_list import PaginatedSessionList
from .paginated_signed_in_device_list import PaginatedSignedInDeviceList
from .paginated_staff_member_list import PaginatedStaffMemberList
from .paginated_time_off_list import PaginatedTimeOffList
from .paginated_urgent_flag_list import PaginatedUrgentFlagList
from .patched_chair_request import PatchedChairRequest
from .patched_clinic_request import PatchedClinicRequest
from .patched_closure_request import PatchedClosureRequest
from .patched_patient_request import PatchedPatientRequest
from .patched_protocol_request import PatchedProtocolRequest
from .patched_pump_request import PatchedPumpRequest
from .patched_staff_member_request import PatchedStaffMemberRequest
from .patched_time_off_request import PatchedTimeOffRequest
from .patient import Patient
from .patient_request import PatientRequest
from .planned_session import PlannedSession
from .pregnancy_enum import PregnancyEnum
from .progress import Progress
from .proposal import Proposal
from .proposal_request_request import ProposalRequestRequest
from .proposed_episode import ProposedEpisode
from .proposed_episode_visit import ProposedEpisodeVisit
from .proposed_episode_visit_kind_enum import ProposedEpisodeVisitKindEnum
from .proposed_episode_visit_mode_enum import ProposedEpisodeVisitModeEnum
from .protocol import Protocol
from .protocol_request import ProtocolRequest
from .pump import Pump
from .pump_availability import PumpAvailability
from .pump_availability_row import PumpAvailabilityRow
from .pump_day import PumpDay
from .pump_day_state_enum import PumpDayStateEnum
from .pump_protocol import PumpProtocol
from .pump_request import PumpRequest
from .pump_status_enum import PumpStatusEnum
from .pumps_list_status_item import PumpsListStatusItem
from .reason import Reason
from .recovery_check import RecoveryCheck
from .recovery_record_request import RecoveryRecordRequest
from .reminder import Reminder
from .reminder_status_enum import ReminderStatusEnum
from .reminders_list_status_item import RemindersListStatusItem
from .replan_kind_enum import ReplanKindEnum
from .replan_outcome import ReplanOutcome
from .replan_outcome_enum import ReplanOutcomeEnum
from .replan_patient import ReplanPatient
from .replan_place import ReplanPlace
from .replan_proposal import ReplanProposal
from .replan_refusal import ReplanRefusal
from .replan_request_request import ReplanRequestRequest
from .replan_result import ReplanResult
from .reschedule_request import RescheduleRequest
from .rescheduled import Rescheduled
from .review_reason_enum import ReviewReasonEnum
from .role_enum import RoleEnum
from .route_enum import RouteEnum
from .safety_check_kind_enum import SafetyCheckKindEnum
from .safety_check_state_enum import SafetyCheckStateEnum
from .scope_enum import ScopeEnum
from .series import Series
from .session import Session
from .session_checks import SessionChecks
from .session_form import SessionForm
from .session_status_enum import SessionStatusEnum
from .sessions_list_status_item import SessionsListStatusItem
from .shift import Shift
from .shift_request import ShiftRequest
from .signed_in_device import SignedInDevice
from .staff_list_role import StaffListRole
from .staff_member import StaffMember
from .staff_member_impact import StaffMemberImpact
from .staff_member_request import StaffMemberRequest
from .stranded_session import StrandedSession
from .time_off import TimeOff
from .time_off_impact import TimeOffImpact
from .time_off_request import TimeOffRequest
from .token import Token
from .token_request_request import TokenRequestRequest
from .urgent_flag import UrgentFlag
from .visit import Visit
from .visit_kind_enum import VisitKindEnum
from .warning import Warning_
from .warning_details import WarningDetails
from .weekday_enum import WeekdayEnum

__all__ = (
    "ActionEnum",
    "AuditActor",
    "AuditEntry",
    "AuditEntryChanges",
    "AuditListAction",
    "Availability",
    "AvailableSlot",
    "BlankEnum",
    "BookSessionRequest",
    "ByEnum",
    "CancelRequest",
    "Chair",
    "ChairImpact",
    "ChairRequest",
    "CheckEntry",
    "CheckItem",
    "CheckItemStatusEnum",
    "CheckOverride",
    "CheckOverrideCovers",
    "ChecksRecordRequest",
    "Clinic",
    "ClinicImpact",
    "ClinicRequest",
    "ClockFormatEnum",
    "Closure",
    "ClosureImpact",
    "ClosureRequest",
    "CompleteRequest",
    "CourseReview",
    "CourseReviewDecisionRequest",
    "Cycle",
    "CycleBookRequest",
    "CycleCancelRequest",
    "CycleStatusEnum",
    "CyclesListStatusItem",
    "DecisionEnum",
    "DryRunDelete",
    "Entry",
    "EntryCreateRequest",
    "EntryKindEnum",
    "EntryStatusEnum",
    "Episode",
    "EpisodeBookRequest",
    "EpisodeCancelRequest",
    "EpisodeProposals",
    "EpisodeRemoveRequest",
    "EpisodeReviewRequest",
    "EpisodeStatusEnum",
    "EpisodeVisitChoiceRequest",
    "EpisodeVisitModeEnum",
    "EpisodeVisitStatusEnum",
    "EpisodesListStatusItem",
    "Error",
    "ErrorDetails",
    "Instrument",
    "InstrumentBand",
    "InstrumentScaleOption",
    "Maintenance",
    "MaintenanceRequest",
    "MakeUpRequest",
    "MeasureCreateRequest",
    "MeasureScore",
    "MeasureSeries",
    "NamedRef",
    "Notice",
    "NoticeDetails",
    "Offer",
    "OfferCreateRequest",
    "OfferSessionsItem",
    "OfferStatusEnum",
    "OpeningHours",
    "OpeningHoursRequest",
    "PaginatedAuditEntryList",
    "PaginatedChairList",
    "PaginatedClinicList",
    "PaginatedClosureList",
    "PaginatedCycleList",
    "PaginatedEntryList",
    "PaginatedEpisodeList",
    "PaginatedInstrumentList",
    "PaginatedPatientList",
    "PaginatedProtocolList",
    "PaginatedPumpList",
    "PaginatedPumpProtocolList",
    "PaginatedReminderList",
    "PaginatedSessionList",
    "PaginatedSignedInDeviceList",
    "PaginatedStaffMemberList",
    "PaginatedTimeOffList",
    "PaginatedUrgentFlagList",
    "PatchedChairRequest",
    "PatchedClinicRequest",
    "PatchedClosureRequest",
    "PatchedPatientRequest",
    "PatchedProtocolRequest",
    "PatchedPumpRequest",
    "PatchedStaffMemberRequest",
    "PatchedTimeOffRequest",
    "Patient",
    "PatientRequest",
    "PlannedSession",
    "PregnancyEnum",
    "Progress",
    "Proposal",
    "ProposalRequestRequest",
    "ProposedEpisode",
    "ProposedEpisodeVisit",
    "ProposedEpisodeVisitKindEnum",
    "ProposedEpisodeVisitModeEnum",
    "Protocol",
    "ProtocolRequest",
    "Pump",
    "PumpAvailability",
    "PumpAvailabilityRow",
    "PumpDay",
    "PumpDayStateEnum",
    "PumpProtocol",
    "PumpRequest",
    "PumpStatusEnum",
    "PumpsListStatusItem",
    "Reason",
    "RecoveryCheck",
    "RecoveryRecordRequest",
    "Reminder",
    "ReminderStatusEnum",
    "RemindersListStatusItem",
    "ReplanKindEnum",
    "ReplanOutcome",
    "ReplanOutcomeEnum",
    "ReplanPatient",
    "ReplanPlace",
    "ReplanProposal",
    "ReplanRefusal",
    "ReplanRequestRequest",
    "ReplanResult",
    "RescheduleRequest",
    "Rescheduled",
    "ReviewReasonEnum",
    "RoleEnum",
    "RouteEnum",
    "SafetyCheckKindEnum",
    "SafetyCheckStateEnum",
    "ScopeEnum",
    "Series",
    "Session",
    "SessionChecks",
    "SessionForm",
    "SessionStatusEnum",
    "SessionsListStatusItem",
    "Shift",
    "ShiftRequest",
    "SignedInDevice",
    "StaffListRole",
    "StaffMember",
    "StaffMemberImpact",
    "StaffMemberRequest",
    "StrandedSession",
    "TimeOff",
    "TimeOffImpact",
    "TimeOffRequest",
    "Token",
    "TokenRequestRequest",
    "UrgentFlag",
    "Visit",
    "VisitKindEnum",
    "WarningDetails",
    "Warning_",
    "WeekdayEnum",
)
