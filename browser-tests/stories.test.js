// Moderating success stories (issue 15, seeds 003 and 004), in real Chromium
// with axe checks. A story exists only once a learner sends one with the
// survey, so two learners do that first through their personal links (one
// agreeing to publication, one not). Then the progression lead corrects a
// story's text (the learner's own words are kept), approves it, sees it on the
// approved page, withdraws it again, and is told what is wrong with an empty
// text; on a desktop and on a phone-width screen.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';
import { completeSurvey } from './journeys.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const shots = new URL('../docs/images/', import.meta.url).pathname;
const PUBLISHED = 'I started at Hughes & Daughters as an apprentice joiner in September. My tutor Mr Jones helped with the application.';
const CORRECTED = 'I started at Hughes & Daughters as an apprentice joiner in September. My tutor helped with the application.';
const PRIVATE = 'Not for the newsletter, but college got me through a hard year.';

for (const backend of backends()) {
  describe(`success stories on ${backend}`, () => {
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

    /** A personal link to the 3–6 month follow-up survey for Northfield learner `mis`. */
    const linkFor = (mis) => {
      const out = onward.capture(
        ['survey', 'link', mis, '--survey', 'follow-up-3-6-month', '--lang', 'en-GB', '--org', 'northfield-academy'],
        { ONWARD_PUBLIC_URL: onward.baseUrl },
      );
      return out.trim().split('\n').pop();
    };

    /** The moderation card whose text box holds `text`. */
    const card = (page, text) =>
      page.locator('.govuk-summary-card').filter({ has: page.locator('textarea', { hasText: text }) });

    /** The heading of the group (waiting, approved, withdrawn) the story served with `text` is listed under. */
    const groupOf = (page, text) =>
      page.evaluate((text) => {
        const box = [...document.querySelectorAll('main textarea')].find((t) => t.defaultValue === text);
        let node = box?.closest('.govuk-summary-card');
        while (node && node.tagName !== 'H2') node = node.previousElementSibling;
        return node?.textContent.trim() ?? null;
      }, text);

    test('the progression lead corrects, approves and withdraws a story a learner sent', async () => {
      // Two learners send stories with the survey, on their phones.
      const learner = await newPage(browser, PHONE);
      await completeSurvey(learner, linkFor('NFA000011'), {
        employer: 'Hughes & Daughters', story: PUBLISHED, publish: true, assert,
      });
      await completeSurvey(learner, linkFor('NFA000012'), {
        employer: 'Harbour Café', story: PRIVATE, publish: false,
      });
      await learner.close();

      const page = await newPage(browser, { viewport: { width: 1100, height: 800 } });
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
      await page.goto(`${onward.baseUrl}/stories`);
      await page.getByRole('heading', { name: 'Success stories to moderate', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      // Both wait for a decision; the one not for publishing cannot be approved.
      assert.equal(await groupOf(page, PUBLISHED), 'Waiting for a decision');
      assert.equal(await groupOf(page, PRIVATE), 'Waiting for a decision');
      const published = card(page, PUBLISHED);
      const privateStory = card(page, PRIVATE);
      assert.equal(await published.count(), 1);
      assert.equal(await privateStory.count(), 1);
      assert.equal(await privateStory.getByRole('button', { name: 'Approve' }).count(), 0);
      assert.match(await privateStory.innerText(), /did not agree to it being published, so it cannot be approved/);
      assert.equal(await published.getByRole('button', { name: 'Approve' }).count(), 1);
      // Not shown anywhere before approval.
      await page.goto(`${onward.baseUrl}/stories/approved`);
      await page.getByRole('heading', { name: 'Approved stories', level: 1 }).waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /Hughes & Daughters/);
      await expectNoAxeViolations(page, assert);

      // An empty text is refused, naming the field; nothing changes.
      await page.goto(`${onward.baseUrl}/stories`);
      // (A text box's text for the locator is the text it was served with, not what is typed.)
      await card(page, PUBLISHED).locator('textarea').fill('');
      await card(page, PUBLISHED).getByRole('button', { name: 'Save the text' }).click();
      await page.locator('.govuk-error-message').waitFor();
      assert.match(await page.locator('.govuk-error-message').innerText(), /Enter the text of the story/);
      assert.match(await page.title(), /^Error: /);
      // The error summary at the top names the problem and leads to the box.
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /There is a problem\s+Enter the text of the story/);
      await summary.getByRole('link', { name: 'Enter the text of the story' }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.defaultValue), PUBLISHED);
      assert.equal(await page.locator('textarea[aria-describedby]').getAttribute('aria-describedby'),
        await page.locator('.govuk-error-message').getAttribute('id'));
      await expectNoAxeViolations(page, assert);

      // Correct the text: a name taken out. The learner's own words are kept beside it.
      await page.goto(`${onward.baseUrl}/stories`);
      await card(page, PUBLISHED).locator('textarea').fill(CORRECTED);
      await card(page, PUBLISHED).getByRole('button', { name: 'Save the text' }).click();
      await page.getByRole('heading', { name: 'Success stories to moderate', level: 1 }).waitFor();
      const corrected = card(page, CORRECTED);
      assert.equal(await corrected.count(), 1, 'the corrected text is in the box');
      await corrected.getByText("The learner's own words").click();
      assert.match(await corrected.locator('.govuk-details__text').innerText(), /My tutor Mr Jones helped/);
      await expectNoAxeViolations(page, assert);
      if (backend === 'sqlite') {
        await page.evaluate(() => document.activeElement?.blur());
        await page.mouse.move(0, 0);
        await page.screenshot({ path: `${shots}stories-moderate.png`, fullPage: true });
      }

      // Approve: shown on the approved page, in the corrected words.
      await corrected.getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('heading', { name: 'Success stories to moderate', level: 1 }).waitFor();
      assert.equal(await groupOf(page, CORRECTED), 'Approved');
      await expectNoAxeViolations(page, assert);
      await page.getByRole('link', { name: 'Approved stories' }).click();
      await page.getByRole('heading', { name: 'Approved stories', level: 1 }).waitFor();
      const shown = await page.locator('main').innerText();
      assert.match(shown, /My tutor helped with the application/);
      assert.doesNotMatch(shown, /Mr Jones/);
      assert.doesNotMatch(shown, /Not for the newsletter/);
      await expectNoAxeViolations(page, assert);

      // The same pages on a phone.
      const phone = await newPage(browser, PHONE);
      await signIn(phone, onward.baseUrl, 'progression.lead@northfield.example');
      for (const [path, heading] of [['/stories', 'Success stories to moderate'], ['/stories/approved', 'Approved stories']]) {
        await phone.goto(`${onward.baseUrl}${path}`);
        await phone.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await expectNoAxeViolations(phone, assert);
        const width = await phone.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `no sideways scrolling at 390 px on ${path} (${width})`);
      }
      await phone.close();

      // Withdraw: shown nowhere again.
      await page.goto(`${onward.baseUrl}/stories`);
      await card(page, CORRECTED).getByRole('button', { name: 'Withdraw' }).click();
      await page.getByRole('heading', { name: 'Success stories to moderate', level: 1 }).waitFor();
      assert.equal(await groupOf(page, CORRECTED), 'Withdrawn');
      assert.equal(await card(page, CORRECTED).getByRole('button', { name: 'Withdraw' }).count(), 0);
      await expectNoAxeViolations(page, assert);
      await page.goto(`${onward.baseUrl}/stories/approved`);
      assert.doesNotMatch(await page.locator('main').innerText(), /Hughes & Daughters/);
      await page.close();
    });
  });
}
