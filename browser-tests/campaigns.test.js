// Setting up a campaign (issue 15), in real Chromium with axe checks: the
// progression lead chooses a cohort and a checkpoint with a survey, sees the
// audience (who is reached, who is excluded and why), is told what is wrong
// with a schedule, saves the campaign, changes its schedule while it is a draft
// and watches its page, on a desktop and on
// a phone-width screen.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

const shots = new URL('../docs/images/', import.meta.url).pathname;

for (const backend of backends()) {
  describe(`campaigns on ${backend}`, () => {
    let onward;
    let browser;
    before(async () => {
      onward = await startOnward(backend);
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await onward?.stop();
    });

    test('the progression lead sets up a campaign and sees its page', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
      await page.getByRole('link', { name: 'Campaigns', exact: true }).first().click();
      await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);

      await page.getByRole('button', { name: 'New campaign' }).click();
      await page.getByRole('heading', { name: 'New campaign', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);

      // The first cohort whose plan has a checkpoint with a survey.
      const cohorts = await page.locator('select#cohort option').evaluateAll(
        (options) => options.map((option) => option.value).filter((value) => value !== ''),
      );
      assert.ok(cohorts.length > 0, 'the demo has cohorts on a plan');
      let chosen = false;
      for (const cohort of cohorts) {
        await page.getByLabel('Cohort', { exact: true }).selectOption(cohort);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('heading', { name: 'New campaign', level: 1 }).waitFor();
        if (await page.locator('select#checkpoint').count()) {
          chosen = true;
          break;
        }
        await page.goto(`${onward.baseUrl}/campaigns/new`);
      }
      assert.ok(chosen, 'a demo cohort has a checkpoint with a survey');
      await page.locator('select#checkpoint').selectOption({ index: 1 });
      await page.getByRole('button', { name: 'Show the audience' }).click();
      await page.getByRole('heading', { name: 'Audience' }).waitFor();
      const audience = await page.locator('main').innerText();
      assert.match(audience, /Lawful basis:/);
      assert.match(audience, /would get up to|The audience is empty/);
      await expectNoAxeViolations(page, assert);

      // A schedule that goes backwards: the error summary says so, nothing is saved.
      await page.getByLabel('Schedule (days after the start)').fill('0, 14, 7');
      await page.getByRole('button', { name: 'Save campaign' }).click();
      const summary = page.locator('.govuk-error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /each day must be later than the one before/);
      assert.match(await page.title(), /^Error: /);
      await expectNoAxeViolations(page, assert);

      await page.getByLabel('Schedule (days after the start)').fill('0, 7, 14, 28, 42');
      await page.getByRole('button', { name: 'Save campaign' }).click();
      await page.getByRole('heading', { name: /^Campaign \d+: / }).waitFor();
      const shown = await page.locator('main').innerText();
      assert.match(shown, /0, 7, 14, 28, 42/);
      await expectNoAxeViolations(page, assert);

      // Its settings change while it is a draft: the same fields, filled in.
      await page.getByRole('link', { name: 'Change settings' }).click();
      await page.getByRole('heading', { name: "Change the campaign's settings", level: 1 }).waitFor();
      const schedule = page.getByLabel('Schedule (days after the start)');
      assert.equal(await schedule.inputValue(), '0, 7, 14, 28, 42');
      await expectNoAxeViolations(page, assert);
      await schedule.fill('0, 7, 21, 35');
      if (backend === 'sqlite') {
        await page.screenshot({ path: `${shots}campaign-settings.png`, fullPage: false });
      }
      // Saved from the keyboard: Enter in the field submits the form.
      await schedule.press('Enter');
      await page.getByText("The campaign's settings are saved.").waitFor();
      assert.match(await page.locator('main').innerText(), /0, 7, 21, 35/);
      await expectNoAxeViolations(page, assert);

      // The same page on a phone.
      const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
      await signIn(phone, onward.baseUrl, 'progression.lead@northfield.example');
      await phone.goto(page.url());
      await phone.getByRole('heading', { name: /^Campaign \d+: / }).waitFor();
      await expectNoAxeViolations(phone, assert);
      await phone.goto(`${onward.baseUrl}/campaigns`);
      await phone.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
      assert.match(await phone.locator('main').innerText(), /0, 7, 21, 35/);
      await expectNoAxeViolations(phone, assert);
      await phone.close();
      await page.close();
    });
  });
}
