/**
 * Reading standard pstats files (.prof, .pstats) in pure TypeScript: what the extension
 * imports. readPstats gives the profile data; readPstatsDocument a whole document for the
 * same views as the middleware's profiles; pstatsHeader a Profiles-panel entry from a file
 * name; parseWerkzeugFileName what Werkzeug's ProfilerMiddleware puts in its names.
 */
export { PstatsReadError } from './pstatsReadError';
export { readMarshal, MarshalDict, type MarshalValue, type MarshalTuple } from './marshalReader';
export { readPstats, pstatsToProfileData } from './readPstats';
export { readPstatsDocument, pstatsHeader, type PstatsProfileDocument, type PstatsSource, type PstatsFileInfo } from './pstatsDocument';
export { parseWerkzeugFileName, inferElapsedDecimals, type WerkzeugFileName, type ElapsedDecimals } from './werkzeugFileName';
