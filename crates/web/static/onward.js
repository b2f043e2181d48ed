// Onward's page script. Loaded as a module from /static/ (the CSP forbids
// inline script); pages work without it.
import { initAll } from './govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();
