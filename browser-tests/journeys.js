// Steps several browser tests share: a learner answering the 3–6 month
// follow-up survey through their personal link, in English.
import { expectNoAxeViolations } from './harness.js';

const choose = (page, name, value) => page.locator(`input[name="${name}"][value="${value}"]`).check();
const submit = (page) => page.locator('main button[type="submit"]').click();

/**
 * Opens `link` in `page` and completes the survey: working full time at
 * `employer`, joins the alumni list with `story` (published if `publish`),
 * keeps in touch, and sends the answers. Each page is checked with axe when
 * `assert` is given.
 */
export async function completeFollowUpSurvey(page, link, { employer, story, publish, assert }) {
  const check = assert ? () => expectNoAxeViolations(page, assert) : async () => {};
  await page.goto(link);
  await check();
  await page.getByRole('button', { name: 'Start now' }).click();
  await choose(page, 'activity', 'employed-full-time');
  await submit(page);
  await page.locator('#employer').fill(employer);
  await page.locator('#job-title').fill('Apprentice joiner');
  await submit(page);
  await page.waitForURL(/\/p\/contact\?/);
  await submit(page);
  await page.waitForURL(/\/p\/alumni\?/);
  await choose(page, 'alumni', 'yes');
  await page.locator('#story').fill(story);
  await choose(page, 'publish', publish ? 'yes' : 'no');
  await check();
  await submit(page);
  await page.waitForURL(/\/p\/keep-in-touch\?/);
  await choose(page, 'optout', 'keep');
  await submit(page);
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await page.getByRole('heading', { name: 'Answers sent', level: 1 }).waitFor();
  await check();
}
