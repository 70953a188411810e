"""The Logs Insights screen (`:insights`, `L`): query editor, time range, results and chart."""
