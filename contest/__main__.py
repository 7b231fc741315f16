from contest.cli import main

raise SystemExit(main())
