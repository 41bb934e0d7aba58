from anskaffelse.cli import main

raise SystemExit(main())
