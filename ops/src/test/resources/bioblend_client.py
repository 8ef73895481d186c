"""Drives a Galley node with Galaxy's own Python client, BioBlend, as a Galaxy script would.

Usage: python3 bioblend_client.py URL ADMIN_KEY. Prints one JSON object of what each call
answered; the Java test (GalaxyClientIT) asserts on it.
"""
import json
import sys

from bioblend.galaxy import GalaxyInstance

url, key = sys.argv[1], sys.argv[2]
gi = GalaxyInstance(url=url, key=key)
out = {}

run = gi.tools.run_tool(history_id="history-1", tool_id="sort_lines",
                        tool_inputs={"text": "pear\napple\nfig\n"})
out["run_tool"] = run
job_id = str(run["jobs"][0]["id"])
out["waited"] = gi.jobs.wait_for_job(job_id, maxwait=60, interval=0.2)
out["show_job"] = gi.jobs.show_job(job_id)
out["show_job_full"] = gi.jobs.show_job(job_id, full_details=True)
out["ok_jobs"] = gi.jobs.get_jobs(state="ok")
out["new_jobs"] = gi.jobs.get_jobs(state="new")
out["details"] = gi.jobs.get_jobs(user_details=True, order_by="create_time",
                                  date_range_min="2000-01-01", date_range_max="2999-12-31")
out["before_2000"] = gi.jobs.get_jobs(date_range_max="2000-01-01")
# Repeated state parameters, as Galaxy's web client sends them.
out["ok_or_error"] = gi.make_get_request(gi.url + "/jobs", params={"state": ["ok", "error"]}).json()
out["metrics"] = gi.jobs.get_metrics(job_id)
two = gi.tools.run_tool(history_id="history-1", tool_id="two_cores", tool_inputs={})
two_id = str(two["jobs"][0]["id"])
gi.jobs.wait_for_job(two_id, maxwait=60, interval=0.2)
out["metrics_two_cores"] = gi.jobs.get_metrics(two_id)
out["destination_params"] = gi.jobs.get_destination_params(job_id)
out["lock_before"] = gi.jobs.show_job_lock()
out["lock_on"] = gi.jobs.update_job_lock(active=True)
out["lock_shown"] = gi.jobs.show_job_lock()
out["lock_off"] = gi.jobs.update_job_lock(active=False)
print(json.dumps(out))
