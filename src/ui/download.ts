// Hands a file to the browser as a download (an object URL on a throwaway link): exports, saves, the database.

export function downloadFile(file: { name: string; type: string; data: BlobPart }): void {
  const url = URL.createObjectURL(new Blob([file.data], { type: file.type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.click();
  // The browser has taken the file once the click is handled; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
