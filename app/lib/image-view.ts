// The files of the image folders as the Create VM form offers them (image.proto), and which
// files each drop-down lists. Client-safe and pure.

export type ImageKindName = 'iso' | 'disk-qcow2' | 'disk-raw' | 'kernel' | 'initrd' | 'unknown';

export interface ImageView {
  /** Absolute path: what a boot field takes. */
  path: string;
  /** The file's name, as the drop-downs show it. */
  name: string;
  sizeBytes: number;
  kind: ImageKindName;
}

/** Which files a drop-down offers: those of its kind (the daemon refuses the others). */
export function imagesFor(images: readonly ImageView[], wanted: 'kernel' | 'initrd' | 'iso' | 'disk'): ImageView[] {
  return images.filter((image) => {
    switch (wanted) {
      case 'disk':
        return image.kind === 'disk-qcow2' || image.kind === 'disk-raw';
      default:
        return image.kind === wanted;
    }
  });
}

/**
 * Each option's text: the file's name, with its folder when two files share a name (the paths
 * are unique, the names need not be).
 */
export function optionLabels(images: readonly ImageView[]): Map<string, string> {
  const seen = new Map<string, number>();
  for (const image of images) seen.set(image.name, (seen.get(image.name) ?? 0) + 1);
  return new Map(
    images.map((image) => [
      image.path,
      (seen.get(image.name) ?? 0) > 1
        ? `${image.name} (${image.path.slice(0, -image.name.length - 1) || '/'})`
        : image.name,
    ]),
  );
}
