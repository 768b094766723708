"""The views behind the pages, in page order: what the attack test and the export of a whole published
set go through."""

from psynam.views.overview import Overview

PAGE_VIEWS = (Overview,)
