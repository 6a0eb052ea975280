// OHIF v3's app-config.js for a pixeldex at http://127.0.0.1:8080, with the
// viewer served from another origin named in http.cors_origins (README,
// "Pointing the OHIF viewer at pixeldex"; browser_ohif_chromium deploys it).
window.config = {
  routerBasename: null,
  extensions: [],
  modes: [],
  showStudyList: true,
  dataSources: [{
    namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
    sourceName: 'pixeldex',
    configuration: {
      friendlyName: 'pixeldex',
      name: 'pixeldex',
      qidoRoot: 'http://127.0.0.1:8080/dicom-web',
      wadoRoot: 'http://127.0.0.1:8080/dicom-web',
      wadoUriRoot: 'http://127.0.0.1:8080/dicom-web', // unused: WADO-URI is not served
      qidoSupportsIncludeField: true,
      imageRendering: 'wadors',          // frames, transfer-syntax=*
      thumbnailRendering: 'wadors',      // or 'thumbnail' with thumbnailRequestStrategy: 'fetch'
      enableStudyLazyLoad: true,         // series metadata one series at a time
      supportsFuzzyMatching: false,      // fuzzymatching=true only gets a Warning
      supportsWildcard: true,            // *text* on names, IDs, descriptions
      supportsReject: false,             // no DICOMweb DELETE / reject
      bulkDataURI: { enabled: true },    // absolute URIs in the metadata
      singlepart: 'bulkdata,video',
      staticWado: false,
      dicomUploadEnabled: true,          // STOW-RS
    },
  }],
  defaultDataSourceName: 'pixeldex',
};
