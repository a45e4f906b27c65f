/** The clip bank as the API gives it (types only: the control surface's page compiles them too). */
export interface ClipEntry {
  /** What a video source's `source` takes (a folder's ends with a slash). */
  name: string;
  kind: 'clip' | 'picture' | 'slideshow';
  /** A slideshow's number of pictures. */
  pictures?: number;
  bytes: number;
  modified: string;
  /** Where the control surface fetches its picture. */
  thumbnail: string;
}

export interface ClipBank {
  dir: string;
  clips: ClipEntry[];
  /** Why it may be empty (no folder yet). */
  note: string | null;
}
