// A part of the page that mounts a task after what it waits for, so the task that draws the rest stays short.

/** `due` turns true in a task after the one where `ready()` first holds, and stays true. */
export class Later {
  due = $state(false);

  /** Call while a component initialises (it sets up an effect). */
  constructor(ready: () => boolean) {
    $effect(() => {
      if (this.due || !ready()) return;
      const timer = setTimeout(() => (this.due = true), 0);
      return () => clearTimeout(timer);
    });
  }
}
