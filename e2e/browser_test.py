#!/usr/bin/env python3
"""The upload page in a real browser (issue 7): headless Chromium through chromedriver.

Starts `pipeline serve` on a free loopback port with a temporary configuration and inbox, opens
the page, self-checks a fixture with errors, checks that every issue `pipeline check` reports is
listed, downloads the annotated workbook and reads it back with openpyxl (every cell of every
sheet of the upload is there, unchanged, plus the 审核结果 sheet), saves a screenshot of the
results page, and stops the server with SIGTERM (it must exit 0).

Issue 12, in the same browser: the page's own sign-in and submit work (its CSRF tokens, under its
own CSP and no-referrer policy); another college's workbook is refused; a page on another port
(a second tiny HTTP server: the same site, another origin) whose forms submit themselves can
neither sign the browser in, nor submit, nor sign it out; and that page cannot frame ours.

    e2e/browser_test.py --binary .build/release/pipeline --screenshot docs/serve-results.png
"""
import argparse
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import openpyxl
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


COLLEGE = "药学院"  # 牵头培养单位 of fixtures/inbox/valid-TJMU-2021-008-2023-2024.xlsx


def start_server(binary, folder):
    config = os.path.join(folder, "pipeline.json")
    with open(config, "w", encoding="utf-8") as f:
        json.dump({"run": {"inbox": "inbox", "out": "out", "store": "out/store.sqlite"}}, f)
    made = subprocess.run([binary, "token", "add", COLLEGE, "--config", config],
                          capture_output=True, text=True, check=True)
    start_server.token = made.stdout.strip()
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


def attacker_site(target):
    """A second HTTP server on another port of the same host (same site, another origin): pages
    whose forms post themselves to `target` as soon as they load, and a page framing it."""
    pages = {
        "/login.html": f'''<form method="post" action="{target}/login">
            <input name="token" value="attackers-own-token"></form>
            <script>document.forms[0].submit()</script>''',
        "/submit.html": f'''<form method="post" action="{target}/submit" enctype="multipart/form-data">
            <textarea name="file">PK forged</textarea></form>
            <script>document.forms[0].submit()</script>''',
        "/logout.html": f'''<form method="post" action="{target}/logout"></form>
            <script>document.forms[0].submit()</script>''',
        "/frame.html": f'''<h1 id="outer">attacker</h1><iframe id="victim" src="{target}/"
            width="800" height="600"></iframe>''',
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("<!DOCTYPE html><html><body>" + pages.get(self.path, "") + "</body></html>").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def heading(driver):
    """The page's first heading ("" while a page is loading)."""
    return driver.execute_script("var h = document.querySelector('h1'); return h ? h.innerText : ''")


def security(driver, url, folder, valid, other):
    """The page's own forms work; another origin's self-submitting forms and frames do not."""
    inbox = os.path.join(folder, "inbox")
    wait = WebDriverWait(driver, 30)
    driver.get(url + "/")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/login']")
    form.find_element(By.NAME, "token").send_keys(start_server.token)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "form[action='/submit']")))
    assert COLLEGE in driver.find_element(By.TAG_NAME, "body").text

    # Another college's workbook under this token: refused, nothing in the inbox.
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/submit']")
    form.find_element(By.NAME, "file").send_keys(os.path.abspath(other))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: heading(d) == "报送单位不符")
    assert os.listdir(inbox) == [], os.listdir(inbox)

    # The college's own: a receipt (the page's CSRF token and origin pass in Chromium).
    driver.get(url + "/")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/submit']")
    form.find_element(By.NAME, "file").send_keys(os.path.abspath(valid))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: heading(d) == "报送回执")
    assert len(os.listdir(inbox)) == 1, os.listdir(inbox)

    httpd, evil = attacker_site(url)
    try:
        # Signed in, the browser visits the other origin's pages: each post is refused (403).
        for page in ("submit.html", "logout.html", "login.html"):
            driver.get(f"{evil}/{page}")
            wait.until(lambda d: d.current_url.startswith(url))
            assert heading(driver) == "请求被拒绝", (page, heading(driver))
        assert len(os.listdir(inbox)) == 1, os.listdir(inbox)
        driver.get(url + "/")
        assert COLLEGE in driver.find_element(By.TAG_NAME, "body").text, "the attacker signed us out"

        # Framed by the other origin: the browser refuses to show the page inside the frame.
        driver.get(f"{evil}/frame.html")
        time.sleep(1.5)
        driver.switch_to.frame(driver.find_element(By.ID, "victim"))
        framed = driver.execute_script("return document.body ? document.body.innerText : ''")
        driver.switch_to.default_content()
        assert "工作站年度数据报送" not in framed and COLLEGE not in framed, framed

        # Login CSRF on a browser that is not signed in: it stays signed out.
        driver.delete_all_cookies()
        driver.get(f"{evil}/login.html")
        wait.until(lambda d: d.current_url.startswith(url))
        assert heading(driver) == "请求被拒绝", heading(driver)
        driver.get(url + "/")
        assert driver.find_elements(By.CSS_SELECTOR, "form[action='/login']"), "signed in by another origin"
    finally:
        httpd.shutdown()


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
    parser.add_argument("--valid", default=os.path.join(ROOT, "fixtures/inbox/valid-TJMU-2021-008-2023-2024.xlsx"))
    parser.add_argument("--other-college", default=os.path.join(ROOT, "fixtures/inbox/valid-TJMU-2022-021-2023-2024.xlsx"))
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

            security(driver, url, folder, args.valid, args.other_college)
        finally:
            if driver:
                driver.quit()
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=60)
        assert code == 0, f"serve exited {code}"
    print(f"make e2e: the page self-checked {os.path.basename(args.fixture)} in Chromium: "
          f"{len(expected['issues'])} issues listed, the annotated copy read back; screenshot {args.screenshot}; "
          "another origin's self-submitting forms (login, submit, logout) refused and its frame blocked")


if __name__ == "__main__":
    main()
