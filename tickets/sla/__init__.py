"""Service levels: the holiday calendar and working days (calendar), due dates from the
service level policies (due_dates), and escalation of overdue work (escalation). The queue's
order and quick views are on tickets.models.QuestionQuerySet."""
