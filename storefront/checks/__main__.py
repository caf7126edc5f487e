import sys

from storefront.checks.docs import main

sys.exit(main())
