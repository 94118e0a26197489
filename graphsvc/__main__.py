from graphsvc.cli.main import main

raise SystemExit(main())
