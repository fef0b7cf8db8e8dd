from selfmob.cli import main

raise SystemExit(main())
