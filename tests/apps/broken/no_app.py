"""A module with no Dash app in it."""

VALUE = 1
