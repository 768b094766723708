"""The views behind the pages, in page order: what the attack test and the export of a whole published
set go through."""

from psynam.views.access import Universalism
from psynam.views.budget import Budget
from psynam.views.network import Network
from psynam.views.overview import Overview
from psynam.views.partners import Partners
from psynam.views.priorities import Priorities
from psynam.views.rules import Rules
from psynam.views.south import South

PAGE_VIEWS = (Overview, Partners, South, Priorities, Universalism, Network, Budget, Rules)
