import { parseShaderFile, type ShaderFile } from './shader-file.js';

/**
 * One shader effect's current source. A plugin's slot is updated when its file is saved; every stage
 * playing it hears the change, compiles the new code off the frame loop and takes it over when it
 * compiles (the old code keeps running otherwise). `error` is the last edit's problem, with line:column.
 */
export class ShaderSlot {
  private listeners = new Set<() => void>();
  error: string | null = null;
  version = 0;

  constructor(
    public file: ShaderFile,
    /** Where the file is, as errors and the list name it. */
    readonly origin: string,
  ) {}

  /** A new version of the file's text; a header that does not parse is the slot's error and changes nothing. */
  update(text: string): void {
    try {
      this.file = parseShaderFile(this.file.id, text);
      this.version++;
      this.error = null;
      for (const listener of this.listeners) listener();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Said by a stage when the new code failed to compile (the first stage to try says it). */
  failed(message: string): void {
    this.error = message;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
