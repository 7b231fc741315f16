"""Results of a round: computed by a job into versioned snapshots, reviewed and adjusted by organizers,
published for a notice period with appeals, then final; the leaderboards, live and public; exports."""
