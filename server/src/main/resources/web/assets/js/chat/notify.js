// Opt-in desktop notifications: only after the user turns them on (the browser then asks for
// permission), only while the page is hidden, only for direct messages and mentions.

const KEY = 'chat.notify';

export class Notifier {
  constructor(button) {
    this.button = button;
    this.enabled = localStorage.getItem(KEY) === 'on' && this.supported && Notification.permission === 'granted';
    button.hidden = !this.supported;
    button.addEventListener('click', () => this.toggle());
    this.render();
  }

  get supported() {
    return typeof Notification !== 'undefined';
  }

  async toggle() {
    if (this.enabled) {
      this.enabled = false;
    } else {
      const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      this.enabled = permission === 'granted';
      if (permission === 'denied') this.button.title = 'The browser blocks notifications for this page';
    }
    localStorage.setItem(KEY, this.enabled ? 'on' : 'off');
    this.render();
  }

  render() {
    this.button.textContent = `Desktop notifications: ${this.enabled ? 'on' : 'off'}`;
    this.button.setAttribute('aria-pressed', String(this.enabled));
  }

  /** Shows one notification (plain text: the browser never renders it as HTML). */
  show(title, body, onClick) {
    if (!this.enabled || document.visibilityState === 'visible') return;
    const n = new Notification(title, { body: body.length > 200 ? `${body.slice(0, 200)}…` : body, tag: title, silent: false });
    n.addEventListener('click', () => {
      window.focus();
      onClick();
      n.close();
    });
  }
}
