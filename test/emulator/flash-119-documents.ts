/**
 * The GraphQL documents RunPod Flash 1.19.0 sends, one per operation, written here in the same shape:
 * operation name, variable definitions and selection set (runpod/flash v1.19.0,
 * `src/runpod_flash/core/api/runpod.py`; every other Flash module reaches GraphQL through that client).
 * The local cloud must validate and answer each of them as Flash sends it, so a field our schema lacks
 * fails the test that sends it (test/emulator/flash-operations.int.spec.ts).
 */

const TEMPLATE_FIELDS = 'id containerDiskInGb dockerArgs env { key value } imageName name readme';

const ENDPOINT_FIELDS = `aiKey gpuIds id idleTimeout locations name networkVolumeId
  networkVolumeIds { networkVolumeId dataCenterId } flashEnvironmentId scalerType scalerValue templateId type
  userId version workersMax workersMin workersStandby workersPFBTarget gpuCount allowedCudaVersions
  minCudaVersion executionTimeoutMs instanceIds activeBuildid idePodId flashBootType`;

const ENVIRONMENT_FIELDS = 'id name state activeBuildId endpoints { id name } networkVolumes { id name }';

export const FLASH_DOCUMENTS = {
  getTemplate: `query getTemplate($id: String!) { podTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`,
  saveTemplate: `mutation saveTemplate($input: SaveTemplateInput) { saveTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`,
  saveEndpoint: `mutation saveEndpoint($input: EndpointInput!) { saveEndpoint(input: $input) { ${ENDPOINT_FIELDS} } }`,
  ServerlessGpuTypes: `query ServerlessGpuTypes($lowestPriceInput: GpuLowestPriceInput, $gpuTypesInput: GpuTypeFilter) {
    gpuTypes(input: $gpuTypesInput) { lowestPrice(input: $lowestPriceInput) { stockStatus } } }`,
  SecureCpuTypes: `query SecureCpuTypes($cpuFlavorInput: CpuFlavorInput, $specificsInput: SpecificsInput) {
    cpuFlavors(input: $cpuFlavorInput) { specifics(input: $specificsInput) { stockStatus } } }`,
  deleteEndpoint: `mutation deleteEndpoint($id: String!) { deleteEndpoint(id: $id) }`,
  getFlashApps: `query getFlashApps { myself { flashApps { id name
    flashEnvironments { id name state createdAt activeBuildId } flashBuilds { id createdAt } } } }`,
  PrepareArtifactUpload: `mutation PrepareArtifactUpload($input: PrepareFlashArtifactUploadInput!) {
    prepareFlashArtifactUpload(input: $input) { uploadUrl objectKey expiresAt } }`,
  FinalizeArtifactUpload: `mutation FinalizeArtifactUpload($input: FinalizeFlashArtifactUploadInput!) {
    finalizeFlashArtifactUpload(input: $input) { id manifest } }`,
  getFlashApp: `query getFlashApp($input: String!) { flashApp(flashAppId: $input) { id name
    flashEnvironments { id name state } flashBuilds { id objectKey createdAt } } }`,
  getFlashAppByName: `query getFlashAppByName($flashAppName: String!) { flashAppByName(flashAppName: $flashAppName) {
    id name flashEnvironments { id name state activeBuildId createdAt } flashBuilds { id objectKey createdAt } } }`,
  getFlashEnvironment: `query getFlashEnvironment($flashEnvironmentId: String!) {
    flashEnvironment(flashEnvironmentId: $flashEnvironmentId) { ${ENVIRONMENT_FIELDS} createdAt } }`,
  getFlashEnvironmentByName: `query getFlashEnvironmentByName($input: FlashEnvironmentByNameInput!) {
    flashEnvironmentByName(input: $input) { ${ENVIRONMENT_FIELDS} } }`,
  updateFlashBuildManifest: `mutation updateFlashBuildManifest($input: UpdateFlashBuildManifestInput!) {
    updateFlashBuildManifest(input: $input) { id manifest } }`,
  deployBuildToEnvironment: `mutation deployBuildToEnvironment($input: DeployBuildToEnvironmentInput!) {
    deployBuildToEnvironment(input: $input) { id name activeArtifact { objectKey downloadUrl expiresAt } } }`,
  createFlashApp: `mutation createFlashApp($input: CreateFlashAppInput!) { createFlashApp(input: $input) { id name } }`,
  createFlashEnvironment: `mutation createFlashEnvironment($input: CreateFlashEnvironmentInput!) {
    createFlashEnvironment(input: $input) { id name } }`,
  getFlashBuild: `query getFlashBuild($input: String!) { flashBuild(flashBuildId: $input) { id manifest } }`,
  listFlashBuilds: `query listFlashBuilds($flashAppId: String!) {
    flashApp(flashAppId: $flashAppId) { flashBuilds { id objectKey createdAt } } }`,
  listFlashEnvironments: `query listFlashEnvironments($flashAppId: String!) {
    flashApp(flashAppId: $flashAppId) { flashEnvironments { id name state activeBuildId createdAt } } }`,
  deleteFlashApp: `mutation deleteFlashApp($flashAppId: String!) { deleteFlashApp(flashAppId: $flashAppId) }`,
  deleteFlashEnvironment: `mutation deleteFlashEnvironment($flashEnvironmentId: String!) {
    deleteFlashEnvironment(flashEnvironmentId: $flashEnvironmentId) }`,
  getEndpoint: `query getEndpoint($id: String!) { myself { endpoint(id: $id) { id } } }`,
  createFlashAuthRequest: `mutation createFlashAuthRequest { createFlashAuthRequest { id status expiresAt } }`,
  flashAuthRequestStatus: `query flashAuthRequestStatus($flashAuthRequestId: String!) {
    flashAuthRequestStatus(flashAuthRequestId: $flashAuthRequestId) { id status expiresAt apiKey } }`,
} as const;

export type FlashOperation = keyof typeof FLASH_DOCUMENTS;
