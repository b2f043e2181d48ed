// Steps several browser tests share: a learner answering a survey through
// their personal link, in English; finding a campaign the demo can email.
import { expectNoAxeViolations } from './harness.js';

const choose = (page, name, value) => page.locator(`input[name="${name}"][value="${value}"]`).check();
const submit = (page) => page.locator('main button[type="submit"]').click();

/**
 * Opens `link` in `page` and completes the survey it leads to (any of the
 * shipped surveys that ask what the learner is doing): working full time at
 * `employer`; where the survey asks, joins the alumni list with `story`
 * (published if `publish`) and keeps in touch; then sends the answers. Each
 * page is checked with axe when `assert` is given.
 */
export async function completeSurvey(page, link, { employer, story, publish, assert }) {
  const check = assert ? () => expectNoAxeViolations(page, assert) : async () => {};
  await page.goto(link);
  await check();
  await page.getByRole('button', { name: 'Start now' }).click();
  await choose(page, 'activity', 'employed-full-time');
  await submit(page);
  await page.locator('#employer').fill(employer);
  await page.locator('#job-title').fill('Apprentice joiner');
  await check();
  // The remaining pages differ between surveys: the alumni and keep-in-touch
  // questions are answered as asked, the rest left empty where they may be.
  const send = page.getByRole('button', { name: 'Send my answers' });
  for (let pages = 0; !(await send.count()); pages += 1) {
    if (pages > 10) throw new Error(`the survey did not reach its check page (at ${page.url()})`);
    const at = page.url();
    if (/\/p\/alumni\?/.test(at)) {
      await choose(page, 'alumni', 'yes');
      if (story !== undefined) {
        await page.locator('#story').fill(story);
        await choose(page, 'publish', publish ? 'yes' : 'no');
      }
      await check();
    } else if (/\/p\/keep-in-touch\?/.test(at)) {
      await choose(page, 'optout', 'keep');
    }
    await submit(page);
    await page.waitForURL((url) => url.href !== at, { timeout: 5000 }).catch(async () => {
      // A question this journey does not know must be answered: take each
      // unanswered choice's first option.
      const problem = page.locator('.govuk-error-summary');
      if (!(await problem.count())) throw new Error(`${at}: the survey did not move on`);
      const names = await page.locator('main input[type="radio"]').evaluateAll((inputs) => [
        ...new Set(inputs.filter((input) => !document.querySelector(`input[name="${input.name}"]:checked`)).map((input) => input.name)),
      ]);
      if (!names.length) throw new Error(`${at}: ${await problem.innerText()}`);
      for (const name of names) await page.locator(`main input[type="radio"][name="${name}"]`).first().check();
      await submit(page);
      await page.waitForURL((url) => url.href !== at);
    });
  }
  await send.click();
  await page.getByRole('heading', { name: 'Answers sent', level: 1 }).waitFor();
  await check();
}

/**
 * Opens the New campaign form at the first cohort and checkpoint whose
 * audience the campaign reaches by email, and leaves `page` on it. Resolves
 * with { cohort, checkpoint, emailed } (how many learners it emails), or
 * `undefined` when no demo cohort has such learners.
 */
export async function openCampaignThatEmails(page, baseUrl) {
  await page.goto(`${baseUrl}/campaigns/new`);
  await page.getByRole('heading', { name: 'New campaign', level: 1 }).waitFor();
  const values = (select) => page.locator(`select#${select} option`).evaluateAll(
    (options) => options.map((option) => option.value).filter((value) => value !== ''),
  );
  for (const cohort of await values('cohort')) {
    await page.goto(`${baseUrl}/campaigns/new?cohort=${cohort}`);
    for (const checkpoint of await values('checkpoint')) {
      await page.goto(`${baseUrl}/campaigns/new?cohort=${cohort}&checkpoint=${checkpoint}`);
      await page.getByRole('heading', { name: 'Audience' }).waitFor();
      const email = page.locator('table:has(caption:has-text("Learners by channel")) tbody tr')
        .filter({ hasText: 'Sent by the campaign' })
        .filter({ has: page.locator('td:first-child', { hasText: /^Email$/i }) });
      if (await email.count()) {
        const emailed = Number(await email.locator('td').nth(1).innerText());
        if (emailed > 0) return { cohort, checkpoint, emailed };
      }
    }
  }
  return undefined;
}
