from studyapp.main import main

raise SystemExit(main())
