from stackview.cli import main

raise SystemExit(main())
