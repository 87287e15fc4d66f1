#!/usr/bin/env python3
"""The upload page in a real browser (issue 7): headless Chromium through chromedriver.

Starts `pipeline serve` on a free loopback port with a temporary configuration and inbox, opens
the page, self-checks a fixture with errors, checks that every issue `pipeline check` reports is
listed, downloads the annotated workbook and reads it back with openpyxl (every cell of every
sheet of the upload is there, unchanged, plus the 审核结果 sheet), saves a screenshot of the
results page, and stops the server with SIGTERM (it must exit 0).

    e2e/browser_test.py --binary .build/release/pipeline --screenshot docs/serve-results.png
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import openpyxl
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(binary, folder):
    config = os.path.join(folder, "pipeline.json")
    with open(config, "w", encoding="utf-8") as f:
        json.dump({"run": {"inbox": "inbox", "out": "out", "store": "out/store.sqlite"}}, f)
    server = subprocess.Popen(
        [binary, "serve", "--config", config, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=open(os.path.join(folder, "serve.log"), "w"), text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("listening on http://"):
        server.kill()
        sys.exit(f"serve printed {line!r} instead of its address")
    return server, line[len("listening on "):]


def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,1000", "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads, "download.prompt_for_download": False,
        "safebrowsing.enabled": True})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def cells(path):
    """Every non-empty cell of every sheet but 审核结果: {sheet: {A1: value}}."""
    # Formulas are compared by their cached values: the annotated copy keeps values, not formulas.
    book = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in book.worksheets if ws.title != "审核结果"}, book.sheetnames


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/pipeline"))
    parser.add_argument("--fixture", default=os.path.join(ROOT, "fixtures/inbox/invalid-cells.xlsx"))
    parser.add_argument("--screenshot", default=os.path.join(ROOT, "docs/serve-results.png"))
    args = parser.parse_args()

    expected = json.loads(subprocess.run(
        [args.binary, "check", "--format", "json", args.fixture], capture_output=True, text=True).stdout)[0]
    assert expected["status"] == "rejected" and expected["issues"], "the fixture must have errors"

    with tempfile.TemporaryDirectory() as folder:
        downloads = os.path.join(folder, "downloads")
        os.makedirs(downloads)
        server, url = start_server(os.path.abspath(args.binary), folder)
        driver = None
        try:
            # The blank template is offered.
            with urllib.request.urlopen(url + "/template.xlsx") as answer:
                assert answer.status == 200 and answer.read(2) == b"PK"

            driver = browser(downloads)
            driver.get(url + "/")
            assert "工作站年度数据报送" in driver.title
            form = driver.find_element(By.CSS_SELECTOR, "form[action='/check']")
            form.find_element(By.NAME, "file").send_keys(os.path.abspath(args.fixture))
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            status = WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "status")))
            assert "未通过" in status.text, status.text
            assert driver.find_element(By.ID, "errors").text == str(
                sum(1 for i in expected["issues"] if i["severity"] == "error"))

            # Every issue is listed, in the report's order: rule, cell, message.
            rows = driver.find_elements(By.CSS_SELECTOR, "table.issues tbody tr")
            listed = [(r.find_element(By.CSS_SELECTOR, "td.rule").text, r.find_element(By.CSS_SELECTOR, "td.cell").text)
                      for r in rows]
            wanted = [(i["rule"], i["cell"] or "—") for i in expected["issues"]]
            assert listed == wanted, f"listed {listed}\nwanted {wanted}"
            page = driver.find_element(By.TAG_NAME, "body").text
            for issue in expected["issues"]:
                assert issue["message"] in page, issue["message"]

            for _ in range(2):  # the window's own chrome takes some of its height
                height = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(1280, min(max(height + 140, 800), 4000))
            os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
            driver.save_screenshot(args.screenshot)

            driver.find_element(By.ID, "download").click()
            deadline = time.time() + 30
            done = []
            while time.time() < deadline:
                done = [n for n in os.listdir(downloads) if n.endswith(".xlsx")]
                if done and not any(n.endswith(".crdownload") for n in os.listdir(downloads)):
                    break
                time.sleep(0.2)
            assert done == ["invalid-cells.annotated.xlsx"], os.listdir(downloads)
            uploaded, _ = cells(args.fixture)
            annotated, names = cells(os.path.join(downloads, done[0]))
            assert names[0] == "审核结果", names
            assert annotated == uploaded, "the annotated copy's cells differ from the upload's"
            # Nothing a self-check uploads is stored.
            assert os.listdir(os.path.join(folder, "inbox")) == []
        finally:
            if driver:
                driver.quit()
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=60)
        assert code == 0, f"serve exited {code}"
    print(f"make e2e: the page self-checked {os.path.basename(args.fixture)} in Chromium: "
          f"{len(expected['issues'])} issues listed, the annotated copy read back; screenshot {args.screenshot}")


if __name__ == "__main__":
    main()
