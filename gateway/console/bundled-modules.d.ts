// The saved reports, bundled by build.mjs from reports/*.graphql (file name and text, by file name).
declare module 'pdn:saved-reports' {
  const files: readonly { file: string; text: string }[];
  export default files;
}

// Stylesheets imported for their effect: esbuild bundles them into the console's one CSS file.
declare module '*.css';
