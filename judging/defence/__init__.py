"""The national final's defence timetable as the organizers build, publish and export it."""
