"""Server-rendered scheduling pages, by who uses them: `professional` (the availability
editor), `student` (a professional's slots and booking), `meetings` (both sides: my meetings,
a booking, cancel, reschedule, the private calendar feed). `common` holds what they share."""
