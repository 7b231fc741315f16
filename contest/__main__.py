from contest.shell.cli import main

raise SystemExit(main())
