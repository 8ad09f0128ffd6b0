/** The subset of RunPod's GraphQL schema that Flash uses (docs/RUNPOD.md, "Control plane"). */
export const SCHEMA_SDL = /* GraphQL */ `
  scalar JSON

  type EnvVar {
    key: String!
    value: String!
  }
  input EnvVarInput {
    key: String!
    value: String!
  }

  type PodTemplate {
    id: String!
    name: String
    imageName: String
    containerDiskInGb: Int
    dockerArgs: String
    env: [EnvVar!]!
    readme: String
  }
  input SaveTemplateInput {
    id: String
    name: String
    imageName: String
    containerDiskInGb: Int
    dockerArgs: String
    env: [EnvVarInput!]!
    volumeInGb: Int
    isServerless: Boolean
    ports: String
    volumeMountPath: String
    containerRegistryAuthId: String
    readme: String
    startSsh: Boolean
    isPublic: Boolean
  }
  input InlineTemplateInput {
    name: String
    imageName: String
    containerDiskInGb: Int
    dockerArgs: String
    env: [EnvVarInput!]
    ports: String
    startScript: String
    advancedStart: Boolean
    containerRegistryAuthId: String
    config: JSON
  }
  input NetworkVolumeRefInput {
    networkVolumeId: String!
  }
  input EndpointInput {
    id: String
    name: String!
    type: String
    templateId: String
    template: InlineTemplateInput
    gpuIds: String
    gpuCount: Int
    instanceIds: [String!]
    workersMin: Int
    workersMax: Int
    workersPFBTarget: Int
    idleTimeout: Int
    scalerType: String
    scalerValue: Int
    locations: String
    networkVolumeId: String
    networkVolumeIds: [NetworkVolumeRefInput!]
    flashBootType: String
    allowedCudaVersions: String
    minCudaVersion: String
    executionTimeoutMs: Int
    flashEnvironmentId: String
  }
  type NetworkVolumeLink {
    networkVolumeId: String
    dataCenterId: String
  }
  type Endpoint {
    id: String!
    aiKey: String
    gpuIds: String
    idleTimeout: Int
    locations: String
    name: String
    networkVolumeId: String
    networkVolumeIds: [NetworkVolumeLink!]
    flashEnvironmentId: String
    scalerType: String
    scalerValue: Int
    templateId: String
    type: String
    userId: String
    version: Int
    workersMax: Int
    workersMin: Int
    workersStandby: Int
    workersPFBTarget: Int
    gpuCount: Int
    allowedCudaVersions: String
    minCudaVersion: String
    executionTimeoutMs: Int
    instanceIds: [String!]
    activeBuildid: String
    idePodId: String
    flashBootType: String
    computeType: String
    createdAt: String
    env: [EnvVar!]
    template: PodTemplate
  }
  type Ref {
    id: String!
    name: String
  }
  type FlashEnvironment {
    id: String!
    name: String!
    state: String
    activeBuildId: String
    createdAt: String
    endpoints: [Ref!]!
    networkVolumes: [Ref!]!
  }
  type FlashBuild {
    id: String!
    objectKey: String
    createdAt: String
    manifest: JSON
  }
  type FlashApp {
    id: String!
    name: String!
    flashEnvironments: [FlashEnvironment!]!
    flashBuilds: [FlashBuild!]!
  }
  type Myself {
    id: String!
    endpoints: [Endpoint!]!
    endpoint(id: String!): Endpoint
    flashApps: [FlashApp!]!
  }
  type ArtifactUpload {
    uploadUrl: String!
    objectKey: String!
    expiresAt: String!
  }
  type ActiveArtifact {
    objectKey: String
    downloadUrl: String
    expiresAt: String
  }
  type DeployedEnvironment {
    id: String!
    name: String!
    activeArtifact: ActiveArtifact
  }

  input CreateFlashAppInput {
    name: String!
  }
  input CreateFlashEnvironmentInput {
    flashAppId: String!
    name: String!
  }
  input FlashEnvironmentByNameInput {
    flashAppId: String!
    name: String!
  }
  input PrepareFlashArtifactUploadInput {
    flashAppId: String!
    tarballSize: Float!
  }
  input FinalizeFlashArtifactUploadInput {
    flashAppId: String!
    objectKey: String!
    manifest: JSON!
  }
  input UpdateFlashBuildManifestInput {
    flashBuildId: String!
    manifest: JSON!
  }
  input DeployBuildToEnvironmentInput {
    flashEnvironmentId: String!
    flashBuildId: String!
  }

  type FlashAuthRequest {
    id: String!
    status: String!
    expiresAt: String!
    apiKey: String
  }

  type LowestPrice {
    stockStatus: String
    minimumBidPrice: Float
    uncoveredPrice: Float
  }
  input GpuLowestPriceInput {
    dataCenterId: String
    gpuCount: Int
    secureCloud: Boolean
    includeAiApi: Boolean
    allowedCudaVersions: [String]
    compliance: [String]
  }
  input GpuTypeFilter {
    ids: [String]
  }
  type GpuType {
    id: String!
    displayName: String
    memoryInGb: Int
    lowestPrice(input: GpuLowestPriceInput): LowestPrice
  }
  input CpuFlavorInput {
    id: String
  }
  input SpecificsInput {
    dataCenterId: String
    instanceId: String
  }
  type Specifics {
    stockStatus: String
  }
  type CpuFlavor {
    id: String!
    displayName: String
    specifics(input: SpecificsInput): Specifics
  }

  type Query {
    myself: Myself!
    podTemplate(id: String!): PodTemplate
    flashAppByName(flashAppName: String!): FlashApp!
    flashApp(flashAppId: String!): FlashApp!
    flashEnvironment(flashEnvironmentId: String!): FlashEnvironment
    flashEnvironmentByName(input: FlashEnvironmentByNameInput!): FlashEnvironment
    flashBuild(flashBuildId: String!): FlashBuild
    flashAuthRequestStatus(flashAuthRequestId: String!): FlashAuthRequest!
    gpuTypes(input: GpuTypeFilter): [GpuType!]!
    cpuFlavors(input: CpuFlavorInput): [CpuFlavor!]!
  }
  type Mutation {
    saveTemplate(input: SaveTemplateInput): PodTemplate!
    saveEndpoint(input: EndpointInput!): Endpoint!
    deleteEndpoint(id: String!): String
    createFlashApp(input: CreateFlashAppInput!): FlashApp!
    deleteFlashApp(flashAppId: String!): String
    createFlashEnvironment(input: CreateFlashEnvironmentInput!): FlashEnvironment!
    deleteFlashEnvironment(flashEnvironmentId: String!): String
    prepareFlashArtifactUpload(input: PrepareFlashArtifactUploadInput!): ArtifactUpload!
    finalizeFlashArtifactUpload(input: FinalizeFlashArtifactUploadInput!): FlashBuild!
    updateFlashBuildManifest(input: UpdateFlashBuildManifestInput!): FlashBuild!
    deployBuildToEnvironment(input: DeployBuildToEnvironmentInput!): DeployedEnvironment!
    createFlashAuthRequest: FlashAuthRequest!
  }
`;
