"""Report pages, split by concern: entry (fill in, review, workflow), analysis (roll-up,
dashboard, completeness), excel (templates, uploads, exports), forms_admin (form editing)."""
