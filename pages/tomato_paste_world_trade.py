"""Tomato paste world trade: China's share of world paste exports, where its paste goes, its
share of world tomato production, and Xinjiang's weight in it."""

from dashboard import page
from dashboard.sections import paste

page.run(paste.page())
