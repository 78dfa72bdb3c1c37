from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    label = "followup_rules"
    verbose_name = _("Follow-up rules")

    def ready(self):
        from baanbrekers.followups import followup_email_register, followup_related_register

        from .digest import digest_email_context
        from .related import jobseeker_related_subjects
        from .rules import KIND_DIGEST

        followup_email_register(
            kind=KIND_DIGEST,
            template_prefix="followups/email/digest_weekly",
            context=digest_email_context,
        )
        followup_related_register(
            subject_type="jobseekers.JobSeeker", related=jobseeker_related_subjects
        )
